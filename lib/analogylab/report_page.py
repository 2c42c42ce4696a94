"""The class report as HTML: one static page, the reader edition's stylesheet, charts in SVG.

:func:`page` is the whole page ``analogylab report`` writes; :func:`body` its content,
which a notebook shows for a :class:`~analogylab.report.ClassReport`. Like the reader
edition the page loads nothing (no script, no font, no image file), has landmarks
(header, nav, main, footer) and a skip link, and uses real tables with captions and
header cells. Each chart is an inline SVG with a title and a description, followed by
"The chart in words": the same figures as sentences. Colour is never the only signal:
the two bars of an exercise also differ by pattern (hatched: first time; solid: in
the end) and carry their figures as text, and the reference in a spread is marked in
words.
"""

from __future__ import annotations

import html

from analogylab._version import __version__
from analogylab.bank import KINDS
from analogylab.page_style import PAGE_CSS
from analogylab.report import GENERATOR, ClassReport, ExerciseFigures, Spread, markdown

__all__ = ["body", "page"]

_CSS = """
main { max-width: 60rem; } header, footer { max-width: 60rem; }
.figures td.num, .figures th.num { text-align: right; font-variant-numeric: tabular-nums; }
.spread td.num { text-align: right; }
.spread .ref { font-weight: 700; outline: 2px solid #555; outline-offset: -3px; }
.chart svg { max-width: 100%; height: auto; }
.legend { font-size: .9rem; color: var(--muted); }
.names { columns: 14rem; }
dt { font-weight: 600; margin-top: .4rem; } dd { margin-left: 1rem; }
"""

_BLUE, _ORANGE = "#0072B2", "#E69F00"  # Okabe-Ito: distinct for the common colour blindness
_WIDTH, _LABEL, _BAR, _GAP = 640, 110, 12, 10


def _e(text: object) -> str:
    return html.escape(str(text))


def _pct(n: int | None, of: int) -> str:
    if n is None:
        return "–"
    return f"{n} ({100 * n / of:.0f}%)" if of else str(n)


def _kind(kind: str) -> str:
    return KINDS.get(kind, kind)


# --- the chart of one lesson ----------------------------------------------------------------


def _chart(lesson: str, rows: list[ExerciseFigures]) -> str:
    """Right first time and right in the end, as shares of those who tried, per exercise."""
    marked = [
        r
        for r in rows
        if r.first_right is not None or (r.tried == 0 and r.kind != "text" and not r.judgement)
    ]
    if not marked:
        return ""
    plot = _WIDTH - _LABEL - 90
    height = 30 + len(marked) * (2 * _BAR + _GAP)
    title_id, desc_id = f"chart-{lesson}-title", f"chart-{lesson}-desc"
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
            f'width="{_WIDTH}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}">'
        ),
        (
            f'<title id="{title_id}">Lesson {_e(lesson)}: share of the students who tried each '
            "exercise who got it right the first time, and in the end</title>"
        ),
        (
            f'<desc id="{desc_id}">Two bars per exercise; the same figures follow the chart in '
            "words.</desc>"
        ),
        (
            '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
            f'<rect width="3" height="6" fill="{_BLUE}"/></pattern></defs>'
        ),
        f'<line x1="{_LABEL}" y1="20" x2="{_LABEL}" y2="{height - 4}" stroke="#555"/>',
    ]
    for pct in (0, 50, 100):
        x = _LABEL + plot * pct / 100
        parts.append(
            f'<text x="{x:.0f}" y="12" font-size="10" text-anchor="middle" fill="#555">'
            f"{pct}%</text>"
        )
    y = 24
    for r in marked:
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + _BAR + 4}" font-size="12" text-anchor="end">'
            f"{_e(r.exercise_id)}</text>"
        )
        for value, fill, what in (
            (r.first_right, "url(#hatch)", "first time"),
            (r.right_in_end, _ORANGE, "in the end"),
        ):
            share = (value or 0) / r.tried if r.tried else 0.0
            w = plot * share
            parts.append(
                f'<rect x="{_LABEL}" y="{y}" width="{w:.1f}" height="{_BAR}" fill="{fill}" '
                f'stroke="#333" stroke-width="0.5"><title>{_e(r.exercise_id)}, {what}: '
                f"{_pct(value, r.tried)} of {r.tried}</title></rect>"
            )
            label = f"{100 * share:.0f}% {what}" if r.tried else "not tried yet"
            parts.append(
                f'<text x="{_LABEL + w + 4:.1f}" y="{y + _BAR - 2}" font-size="10">'
                f"{_e(label)}</text>"
            )
            y += _BAR
        y += _GAP
    parts.append("</svg>")
    legend = (
        '<p class="legend">Hatched bar: right the first time. Solid bar: right in the end '
        "(before the answer was shown). Both as a share of the students who tried the "
        "exercise.</p>"
    )
    return (
        f'<figure class="chart">{"".join(parts)}<figcaption>{legend}</figcaption></figure>\n'
        f"<details><summary>The chart in words</summary><ul>{_twin(marked)}</ul></details>\n"
    )


def _twin(rows: list[ExerciseFigures]) -> str:
    """The chart's figures as sentences, one an exercise."""
    items = []
    for r in rows:
        if not r.tried:
            items.append(
                f"<li>{_e(r.exercise_id)} ({_e(_kind(r.kind))}): nobody has tried it.</li>"
            )
            continue
        items.append(
            f"<li>{_e(r.exercise_id)} ({_e(_kind(r.kind))}): {r.tried} student(s) tried it; "
            f"{_pct(r.first_right, r.tried)} right the first time, "
            f"{_pct(r.right_in_end, r.tried)} right in the end.</li>"
        )
    return "".join(items)


# --- tables -----------------------------------------------------------------------------------


def _figures(lesson: str, title: str, rows: list[ExerciseFigures]) -> str:
    """The lesson's exercises and their figures, as a table."""
    body = []
    for r in rows:
        name = f'<a href="#{_e(r.exercise_id)}">{_e(r.exercise_id)}</a>'
        if not r.in_bank:
            name += " (not in this question bank)"
        attempts = (
            "–" if r.attempts_median is None else f"{r.attempts_median:g} (most {r.attempts_most})"
        )
        best = "–" if r.best_score is None else f"{100 * r.best_score:.0f}%"
        body.append(
            f'<tr><th scope="row">{name}</th><td>{_e(r.title)}</td><td>{_e(_kind(r.kind))}</td>'
            f'<td class="num">{r.tried}</td><td class="num">{_pct(r.first_right, r.tried)}</td>'
            f'<td class="num">{_pct(r.right_in_end, r.tried)}</td><td class="num">{attempts}'
            f'</td><td class="num">{best}</td></tr>'
        )
    return (
        '<div class="table-wrap"><table class="figures">'
        f"<caption>Lesson {_e(lesson)}{': ' + _e(title) if title else ''}: each exercise"
        "</caption><thead><tr>"
        '<th scope="col">exercise</th><th scope="col">title</th><th scope="col">kind</th>'
        '<th scope="col" class="num">tried</th><th scope="col" class="num">right first time'
        '</th><th scope="col" class="num">right in the end</th><th scope="col" class="num">'
        'attempts used (median)</th><th scope="col" class="num">mean best score</th></tr>'
        f"</thead><tbody>{''.join(body)}</tbody></table></div>\n"
    )


def _wrong_table(r: ExerciseFigures) -> str:
    if not r.wrong:
        return ""
    rows = "".join(
        f'<tr><th scope="row">{_e(choice)}</th><td class="num">{n}</td>'
        f"<td>{markdown(why) if why else '–'}</td></tr>"
        for choice, n, why in r.wrong
    )
    return (
        f'<div class="table-wrap"><table><caption>{_e(r.exercise_id)}: the wrong choices made '
        "most (students who made each at least once)</caption><thead><tr>"
        '<th scope="col">choice</th><th scope="col">students</th>'
        '<th scope="col">the explanation they were shown</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div>\n"
    )


def _spread_table(r: ExerciseFigures) -> str:
    if not r.spreads:
        return ""
    values: list[str] = []
    for s in r.spreads:
        values += [v for v in s.counts if v not in values]
    has_reference = any(s.reference is not None for s in r.spreads)
    head = "".join(f'<th scope="col" class="num">{_e(v)}</th>' for v in values)
    if has_reference:
        head += '<th scope="col">reference</th><th scope="col" class="num">agree</th>'
        head += '<th scope="col">the reference\'s reason</th>'
    body = "".join(_spread_row(s, values, has_reference=has_reference) for s in r.spreads)
    if r.judgement and has_reference:
        what = "own judgements (each student's first, before the curators' was shown) beside "
        what += "the curators' judgement"
    elif has_reference:
        what = "own answers (before the reference was shown) beside the curators' reference"
    else:
        what = "answers"
    units = sorted({sp.unit for sp in r.spreads})
    return (
        f'<div class="table-wrap"><table class="spread"><caption>{_e(r.exercise_id)}: the '
        f"spread of the class's {what}, item by item ({_e(', '.join(units))})</caption>"
        f'<thead><tr><th scope="col">item</th>{head}</tr></thead><tbody>{body}</tbody></table>'
        "</div>\n"
    )


def _spread_row(s: Spread, values: list[str], *, has_reference: bool) -> str:
    cells = []
    for v in values:
        n = s.counts.get(v, 0)
        mark = v == s.reference
        text = f"{n} (reference)" if mark else str(n)
        cells.append(f'<td class="num{" ref" if mark else ""}">{_e(text)}</td>')
    tail = ""
    if has_reference:
        agree = "–" if s.agree is None else _pct(s.agree, s.answered)
        tail = (
            f"<td>{_e(s.reference if s.reference is not None else '–')}</td>"
            f'<td class="num">{agree}</td><td>{markdown(s.reason) if s.reason else "–"}</td>'
        )
    return f'<tr><th scope="row">{_e(s.item)}</th>{"".join(cells)}{tail}</tr>'


def _texts_table(r: ExerciseFigures, *, anonymous: bool) -> str:
    """What students wrote (arguments back, indicators), folded; no names when anonymous."""
    if not r.texts:
        return ""
    who = "" if anonymous else '<th scope="col">student</th>'
    rows = "".join(
        "<tr>"
        + ("" if anonymous else f'<th scope="row">{_e(name)}</th>')
        + f"<td>{_e(text)}</td></tr>"
        for name, text in r.texts
    )
    return (
        f"<details><summary>{_e(r.exercise_id)}: the {_e(r.texts_title)} ({len(r.texts)})"
        f'</summary><div class="table-wrap"><table><caption>{_e(r.exercise_id)}: the '
        f"{_e(r.texts_title)}</caption><thead><tr>{who}"
        f'<th scope="col">what they wrote</th></tr></thead><tbody>{rows}</tbody></table></div>'
        "</details>\n"
    )


def _not_started(report: ClassReport, lesson: str) -> str:
    names = report.not_started_by_lesson.get(lesson, [])
    if not names:
        return "<p>Every student has started this lesson.</p>\n"
    if report.anonymous:
        return f"<p>{len(names)} of {report.students} student(s) have not started it.</p>\n"
    items = "".join(f"<li>{_e(n)}</li>" for n in names)
    return (
        f"<p>{len(names)} of {report.students} student(s) have not started it "
        f'(no attempt at any of its exercises):</p><ul class="names">{items}</ul>\n'
    )


# --- the page ---------------------------------------------------------------------------------


_ABOUT = """<dl>
<dt>tried</dt><dd>students with at least one counted attempt; an answer of the wrong form
(refused before marking) does not count, as in the lessons.</dd>
<dt>right first time</dt><dd>their first counted attempt was right.</dd>
<dt>right in the end</dt><dd>a right attempt before the answer and its explanations were
shown to them (after that, a right answer proves nothing).</dd>
<dt>attempts used</dt><dd>the median and the most counted attempts of those who tried.</dd>
<dt>mean best score</dt><dd>each student's best score before the answer was shown, averaged;
partial credit counts (pairs matched, items in order, ticks, grid cells).</dd>
<dt>wrong choices</dt><dd>how many students made each wrong choice at least once, with the
explanation the exercise showed them for it.</dd>
<dt>spreads</dt><dd>for judgement items, the class's answers counted value by value: for a
rating grid each student's own ratings (their first, before the reference was shown) beside
the curators' reference and its reason; for a short answer, how many ticked each rubric item
when they assessed themselves; for a judgement-first exercise (recorded, never marked) each
student's own judgement beside the curators' and its reason, and the arguments students wrote
back; for indicators (Heuer's step 8) how many each student set against each explanation, and,
once marked against what happened, how many happened. The reference is a judgement too: a
class that differs from it may have a case.</dd>
</dl>
"""


def body(report: ClassReport) -> str:
    """The report's content (headings, charts, tables), without the page around it."""
    out = [
        "<h1>Class report</h1>\n",
        f"<p>{report.students} student(s) and {report.attempts} attempt(s)"
        + (f", from {_e(', '.join(report.sources[:5]))}" if report.sources else "")
        + (f" and {len(report.sources) - 5} more file(s)" if len(report.sources) > 5 else "")
        + f". Made {_e(report.made)}."
        + (" Names are hidden." if report.anonymous else "")
        + "</p>\n",
        (
            f'<section aria-labelledby="about"><h2 id="about">How to read this page</h2>{_ABOUT}'
            "</section>\n"
        ),
        _overview(report),
    ]
    by_lesson: dict[str, list[ExerciseFigures]] = {}
    for r in report.rows:
        by_lesson.setdefault(r.lesson, []).append(r)
    for lesson, rows in by_lesson.items():
        title = report.lessons.get(lesson, "")
        out.append(
            f'<section aria-labelledby="lesson-{_e(lesson)}"><h2 id="lesson-{_e(lesson)}">'
            f"Lesson {_e(lesson)}{' · ' + _e(title) if title else ''}</h2>\n"
        )
        out.append(_chart(lesson, rows))
        out.append(_figures(lesson, title, rows))
        out.append("<h3>Who has not started</h3>\n" + _not_started(report, lesson))
        for r in rows:
            detail = (
                _wrong_table(r) + _spread_table(r) + _texts_table(r, anonymous=report.anonymous)
            )
            if detail:
                out.append(
                    f'<h3 id="{_e(r.exercise_id)}">{_e(r.exercise_id)}'
                    f"{' · ' + _e(r.title) if r.title else ''} ({_e(_kind(r.kind))})</h3>\n"
                    + detail
                )
        out.append("</section>\n")
    return "".join(out)


def _overview(report: ClassReport) -> str:
    rows = []
    for lesson, names in report.not_started_by_lesson.items():
        title = report.lessons.get(lesson, "")
        mine = [r for r in report.rows if r.lesson == lesson]
        rows.append(
            f'<tr><th scope="row"><a href="#lesson-{_e(lesson)}">{_e(lesson)}</a></th>'
            f'<td>{_e(title)}</td><td class="num">{len(mine)}</td>'
            f'<td class="num">{report.students - len(names)}</td>'
            f'<td class="num">{len(names)}</td></tr>'
        )
    return (
        '<section aria-labelledby="lessons"><h2 id="lessons">The lessons at a glance</h2>'
        '<div class="table-wrap"><table class="figures"><caption>Students who have started '
        "each lesson (at least one attempt in it)</caption><thead><tr>"
        '<th scope="col">lesson</th><th scope="col">title</th>'
        '<th scope="col" class="num">exercises</th><th scope="col" class="num">started</th>'
        '<th scope="col" class="num">not started</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></section>\n"
    )


def page(report: ClassReport) -> str:
    """The whole page: one inline stylesheet, landmarks, no script and nothing remote."""
    links = "".join(
        f'<li><a href="#lesson-{_e(lesson)}">Lesson {_e(lesson)}</a></li>'
        for lesson in report.not_started_by_lesson
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="{GENERATOR} {_e(__version__)}">\n'
        "<title>Class report: test a historical analogy with evidence</title>\n"
        f"<style>{PAGE_CSS}{_CSS}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#main">Skip to the content</a>\n'
        '<header>\n<p class="site">Test a historical analogy with evidence: the class report'
        f'</p>\n<nav aria-label="Lessons"><ul>{links}</ul></nav>\n</header>\n'
        f'<main id="main">\n{body(report)}</main>\n'
        f"<footer>\n<p>Made by analogylab {_e(__version__)} from the answers the students "
        "exported. Nothing on this page runs or loads anything from the network.</p>\n"
        "</footer>\n</body>\n</html>\n"
    )
