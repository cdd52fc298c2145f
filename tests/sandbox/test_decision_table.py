"""The decision table of docs/sandbox.md is complete, sourced and tested.

- every row has a kind (documented / inferred / invented);
- every quoted source (``Lnnn “words”``) is found on that line of the fact sheet, and
  every documented or inferred row has one;
- every row is covered by at least one test marked ``@pytest.mark.decision("ID")`` in
  tests/sandbox (or a ``case("ID", ...)`` of test_behaviours.py), and every such
  marker (and every id the sandbox's code names) is a row.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "sandbox.md"
CODE = ROOT / "src" / "mjprompt" / "sandbox"
ID = r"[GPIRECB]\d\d"
KINDS = ("documented", "inferred", "invented")
SOURCE = re.compile(r"L(\d+) “([^”]+)”")


@attrs.frozen
class Row:
    id: str
    documented: str
    strict: str
    kind: str
    source: str


def table() -> list[Row]:
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if re.match(rf"\| {ID} \|", line):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            assert len(cells) == 5, line
            rows.append(Row(*cells))
    return rows


def plain(text: str) -> str:
    return text.replace("`", "").replace("**", "")


def marked_ids() -> set[str]:
    found: set[str] = set()
    for path in HERE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for args in re.findall(r"decision\(([^)]*)\)", text):
            found |= set(re.findall(rf'"({ID})"', args))
        # test_behaviours.py: case("P03", ...) marks its pytest.param with the row
        found |= set(re.findall(rf'\bcase\(\s*"({ID})"', text))
    return found


def test_rows_are_unique_and_have_a_kind() -> None:
    rows = table()
    assert len(rows) >= 30
    ids = [r.id for r in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert row.kind.split(" ")[0].rstrip(",") in KINDS, row
        assert row.documented and row.strict, row


def test_every_quoted_source_is_on_its_line(spec_lines: list[str]) -> None:
    checked = 0
    for row in table():
        sources = SOURCE.findall(row.source)
        if not row.kind.startswith("invented"):
            assert sources, f"{row.id} is {row.kind} but cites no line"
        for number, words in sources:
            line = plain(spec_lines[int(number) - 1])
            assert plain(words) in line, f"{row.id}: L{number} does not say {words!r}: {line}"
            checked += 1
    assert checked >= 40


def test_every_row_has_a_test_and_every_marker_a_row() -> None:
    rows = {r.id for r in table()}
    marked = marked_ids()
    assert rows - marked == set(), "rows without a test"
    assert marked - rows == set(), "markers naming no row"


def test_the_code_names_only_rows_of_the_table() -> None:
    rows = {r.id for r in table()}
    named: set[str] = set()
    for path in CODE.glob("*.py"):
        named |= set(re.findall(rf"\b({ID})\b", path.read_text(encoding="utf-8")))
    assert named, "the contract names its rows"
    assert named <= rows
