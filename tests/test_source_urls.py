"""Sources a course can cite: where a source's url may point, and the list that says so.

``sources.csv`` links the work itself (publisher, outlet, official body, DOI, library or
archive record, Wikipedia), never a copy. The hosts allowed are kept in the data package,
``url_hosts.csv``, one reason per host; ``analogylab validate`` refuses any other host with
``sources.csv:ROW:url: ...`` and checks the list itself. CONTRIBUTING.md, "Sources a course
can cite", has the policy and the matching rules these tests pin.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import csvedit as ce
from analogylab import validate
from analogylab.cli import main

# Hosts the issue found copies on (and a few more the audit found): no shipped address may
# use them, whatever the list says. Checked independently of the validator.
KNOWN_COPIES = (
    "ixgpkh.asia",
    "6jhxt.group",
    "dcpdxghd.shop",
    "pxxq.com",
    "kiwix.haohe.fun",
    "owiki.org",
    "zproxy.org",
    "wikisum.wiki",
    "piglix.com",
    "full-english-books.net",
    "booksonline.com.ua",
    "vdocuments.net",
    "rulit.me",
    "knigalit.ru",
    "erenow.org",
    "docslib.org",
    "is.muni.cz",
    "london-news.net",
    "global-world-news.com",
    "thehilltalk.com",
    "digital-staging.thehill.com",
    "digital-release.thehill.com",
    "statistico.com",
    "issuhub.com",
    "military-history.fandom.com",
    "clateway.com",
    "profilpelajar.com",
    "faqs.org",
    "911plus.org",
    "latestly.com",
    "newser.com",
    "tellerreport.com",
    "traderszone.net",
    "ukobiw.net",
    "wufengqin.com",
    "hxen.net",
    "cloudfront.net",
)
GENERAL_HOSTS = {"doi.org", "worldcat.org"}  # listed for teachers, not used by shipped rows
HOST = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _addresses(row: dict[str, str]) -> list[str]:
    found = re.findall(r"https?://[^\s)\]]+", row["note"])
    return [row["url"], *found] if row["url"] else found


def _site(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def _add_hosts(folder: Path, *entries: tuple[str, str]) -> None:
    for host, kind in entries:
        ce.append_row(
            folder, "url_hosts", {"host": host, "kind": kind, "reason": "Added by a test."}
        )


def _problems(folder: Path, file: str, column: str) -> list[str]:
    return [
        str(p)
        for p in validate(folder).problems
        if Path(p.file).name == file and p.column == column
    ]


# --- the shipped data ---------------------------------------------------------------------


def test_every_shipped_source_passes_the_host_check(shipped: Path) -> None:
    codes = {p.code for p in validate(shipped).problems}
    assert not codes & {"url-host", "bad-url", "bad-host", "same-host"}


def test_no_shipped_address_points_at_a_known_copy(shipped: Path) -> None:
    bad = [
        (row["source_id"], address)
        for row in _rows(shipped, "sources")
        for address in _addresses(row)
        if any(
            _site(urlsplit(address).hostname or "") == c
            or (urlsplit(address).hostname or "").endswith("." + c)
            for c in KNOWN_COPIES
        )
    ]
    assert not bad, bad


def test_the_shipped_list_gives_a_kind_and_a_reason_for_every_host(shipped: Path) -> None:
    rows = _rows(shipped, "url_hosts")
    assert len(rows) >= 100
    for row in rows:
        assert HOST.fullmatch(row["host"]), row
        assert row["kind"] in {"outlet", "publisher", "official", "archive", "reference"}, row
        reason = row["reason"].strip()
        assert len(reason) >= 25 and reason.endswith("."), f"{row['host']}: say why, in a sentence"
    sites = [(r["host"].startswith("*."), _site(r["host"].removeprefix("*."))) for r in rows]
    assert len(sites) == len(set(sites)), "a site is listed twice"


def test_every_listed_host_is_used_by_a_shipped_source(shipped: Path) -> None:
    """The list is what the sources need, plus the general addresses CONTRIBUTING names."""
    used = {
        _site(urlsplit(a).hostname or "")
        for row in _rows(shipped, "sources")
        for a in _addresses(row)
    }
    for host in (r["host"] for r in _rows(shipped, "url_hosts")):
        if host in GENERAL_HOSTS:
            continue
        base = _site(host.removeprefix("*."))
        covered = {
            u for u in used if u == base or (host.startswith("*.") and u.endswith("." + base))
        }
        assert covered, f"{host} is listed but no source links to it"


# --- a copy is refused, with its row ------------------------------------------------------


def test_a_copy_host_is_refused_with_its_row(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = "http://235430.ixgpkh.asia/txt/time/Time1984/1984-12-10/955358.html"
    ce.set_cell(data_copy, "sources", 5, "url", copy)
    report = validate(data_copy)
    hits = [p for p in report.problems if p.code == "url-host"]
    assert len(hits) == 1 and len(report.problems) == 1, str(report)
    p = hits[0]
    assert (Path(p.file).name, p.row, p.column) == ("sources.csv", 5, "url")
    assert "'235430.ixgpkh.asia'" in p.message and "url_hosts.csv" in p.message
    assert "link the work itself" in p.hint
    assert "leave url empty and say in note where you read it" in p.hint
    assert "add it to that list with its kind and a reason" in p.hint
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "sources.csv:5:url: the address is on '235430.ixgpkh.asia'" in out


def test_a_subdomain_of_a_listed_host_is_refused_and_the_message_says_why(
    data_copy: Path,
) -> None:
    _add_hosts(data_copy, ("example.org", "outlet"))
    ce.set_cell(data_copy, "sources", 5, "url", "https://staging.example.org/story")
    (line,) = _problems(data_copy, "sources.csv", "url")
    assert "'staging.example.org'" in line
    assert "the list has 'example.org', which covers that host only" in line
    assert "'*.example.org' would cover its subdomains" in line


# --- the matching rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://example.org/a", True),  # the listed host itself
        ("https://www.example.org/a", True),  # a leading www. is ignored
        ("HTTPS://EXAMPLE.ORG./a", True),  # case and a final dot do not matter
        ("http://example.org:8080/a", True),  # nor does a port
        ("https://news.example.org/a", False),  # a plain entry covers its host only
        ("https://example.net/a", True),  # *.example.net covers example.net ...
        ("https://a.b.example.net/a", True),  # ... and every subdomain
        ("https://notexample.net/a", False),  # but not a host that merely ends the same
        ("https://example.org.copies.com/a", False),  # nor a host that starts the same
    ],
)
def test_a_listed_host_and_its_rule(data_copy: Path, url: str, allowed: bool) -> None:
    _add_hosts(data_copy, ("example.org", "outlet"), ("*.example.net", "archive"))
    ce.set_cell(data_copy, "sources", 5, "url", url)
    problems = _problems(data_copy, "sources.csv", "url")
    assert (not problems) is allowed, problems


@pytest.mark.parametrize(
    "url", ["www.bbc.com/news", "ftp://example.org/file", "https://a.org https://b.org", "https://"]
)
def test_an_address_that_is_not_a_web_address_is_reported(data_copy: Path, url: str) -> None:
    ce.set_cell(data_copy, "sources", 5, "url", url)
    (line,) = _problems(data_copy, "sources.csv", "url")
    assert f"sources.csv:5:url: '{url}' is not a web address" in line
    assert "starting with https://" in line


def test_an_address_in_note_is_checked_but_a_named_site_is_not(data_copy: Path) -> None:
    ce.set_cell(data_copy, "sources", 5, "note", "Read in a copy on docslib.org, not linked.")
    assert not _problems(data_copy, "sources.csv", "note")
    ce.set_cell(data_copy, "sources", 5, "note", "Read at https://docslib.org/doc/1 (a copy).")
    (line,) = _problems(data_copy, "sources.csv", "note")
    assert "sources.csv:5:note: it links to 'docslib.org'" in line
    assert "name the site without its address" in line
    ce.set_cell(data_copy, "sources", 5, "note", "See also https://en.wikipedia.org/wiki/X.")
    assert not _problems(data_copy, "sources.csv", "note")


def test_a_teacher_can_trust_a_host_by_adding_it(data_copy: Path) -> None:
    ce.set_cell(data_copy, "sources", 5, "url", "https://www.course-reader.example/week-1")
    assert _problems(data_copy, "sources.csv", "url")
    _add_hosts(data_copy, ("course-reader.example", "publisher"))
    assert validate(data_copy).ok


# --- the list itself is checked -----------------------------------------------------------


def _host_row(d: Path, **cells: str) -> int:
    row = {"host": "example.org", "kind": "outlet", "reason": "Added by a test."} | cells
    return ce.append_row(d, "url_hosts", row)


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"reason": ""}, "reason", "a required value is missing"),
        ({"kind": "mirror"}, "kind", "'mirror' is not an allowed value"),
        (
            {"host": "https://Example.org/page"},
            "host",
            "'https://Example.org/page' is not a host name",
        ),
        ({"host": "*.com"}, "host", "'*.com' is not a host name"),
        ({"host": "thehill.com"}, "host", "duplicate id: host='thehill.com'"),
        (
            {"host": "www.thehill.com"},
            "host",
            "'www.thehill.com' names the same site as 'thehill.com'",
        ),
        (
            {"host": "gandhara.rferl.org"},
            "host",
            "'gandhara.rferl.org' is already covered by '*.rferl.org'",
        ),
    ],
    ids=[
        "no-reason",
        "unknown-kind",
        "a-url-not-a-host",
        "a-whole-tld",
        "duplicate",
        "www",
        "covered",
    ],
)
def test_the_list_itself_is_checked(
    data_copy: Path, cells: dict[str, str], column: str, words: str
) -> None:
    row = _host_row(data_copy, **cells)
    lines = _problems(data_copy, "url_hosts.csv", column)
    assert any(f"url_hosts.csv:{row}:{column}: {words}" in line for line in lines), lines


def test_a_malformed_host_gets_a_suggestion(data_copy: Path) -> None:
    _host_row(data_copy, host="https://Example.org/page")
    (line,) = _problems(data_copy, "url_hosts.csv", "host")
    assert "(here: 'example.org')" in line
