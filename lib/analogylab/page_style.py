"""The stylesheet of analogylab's static pages: the reader edition and the class report.

A module of its own, with no imports, so that the class report (``analogylab report``)
gets the reader edition's look without importing the reader edition's machinery
(nbformat and its JSON schema take a second or two to import).
"""

from __future__ import annotations

__all__ = ["PAGE_CSS"]

PAGE_CSS = """
:root { --ink: #1b1b1b; --muted: #555; --line: #c8c8c8; --soft: #f4f4f1; --link: #0b5394; }
* { box-sizing: border-box; }
html { font-size: 106%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.55;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
header { border-bottom: 1px solid var(--line); padding-top: .6rem; padding-bottom: .6rem; }
footer { border-top: 1px solid var(--line); margin-top: 3rem; padding-top: .8rem;
  padding-bottom: 2rem; color: var(--muted); font-size: .9rem; }
.site { margin: 0 0 .3rem; font-weight: 600; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem;
  margin: 0; padding: 0; }
a { color: var(--link); text-underline-offset: .15em; }
a:focus-visible, summary:focus-visible { outline: 3px solid #e69f00; outline-offset: 2px; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .3rem .6rem; }
h1 { font-size: 1.7rem; line-height: 1.25; margin-top: 1.2rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.15rem; margin-top: 1.6rem; } h4 { font-size: 1.05rem; margin: .2rem 0; }
img { max-width: 100%; height: auto; }
figure.chart { margin: 1rem 0 .4rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft);
  padding: .6rem .8rem; border-radius: 4px; font-size: .85rem; }
code { font-size: .92em; }
pre.error { border-left: 4px solid #d55e00; }
details { margin: .5rem 0; } summary { cursor: pointer; color: var(--link); }
details.code summary { font-size: .9rem; }
details.code[open] summary, details.answer[open] summary { margin-bottom: .3rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: .88rem; margin: .6rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; vertical-align: top;
  text-align: left; }
thead th { background: var(--soft); }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
.explorer, .exercise { border: 1px solid #888; border-radius: 6px; padding: .4rem 1rem;
  margin: 1.2rem 0; }
.explorer { border-left: 6px solid #0072b2; }
.exercise { border-left: 6px solid #009e73; }
.explorer-title { margin-top: .4rem; }
.how { color: var(--muted); font-size: .92rem; }
.worksheet td { min-width: 5rem; height: 2rem; }
.note, .unlinked code { color: var(--muted); }
.edition { border-left: 4px solid var(--line); padding-left: .6rem; }
.lessons { padding-left: 0; list-style: none; }
.lessons li + li { border-top: 1px solid var(--line); }
.lessons li { padding: .4rem 0; }
.lessons h2 { border: 0; margin: .3rem 0; font-size: 1.2rem; }
@media print {
  header nav, footer nav, .skip { display: none; }
  details::details-content { content-visibility: visible; display: block; }
  details.code { display: none; }
  body { font-size: 11pt; } a { color: inherit; }
  .explorer, .exercise, figure, table { break-inside: avoid; }
}
"""
