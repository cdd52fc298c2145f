"""The parameter table and the dependency/conflict tables the rules read."""

from __future__ import annotations

import pytest

from mjprompt import lint
from mjprompt.params import (
    CONFLICTS,
    NEEDS_IMAGE,
    NEEDS_TEXT,
    PARAMS,
    REQUIREMENTS,
    Arity,
    Conflict,
    Kind,
    Requirement,
    Status,
    by_name,
    lookup,
    suggestion_names,
)

# A valid value for each parameter the relation tables name.
SAMPLE = {
    "sw": "100",
    "sv": "6",
    "ow": "100",
    "iw": "1",
    "sref": "https://example.com/s.png",
    "oref": "https://example.com/o.png",
    "stylize": "100",
    "weird": "100",
    "quality": "4",
    "seed": "5",
    "repeat": "4",
}
TWO_IMAGES = "https://example.com/a.png https://example.com/b.png"


def _param(name: str, values: tuple[str, ...] = ()) -> str:
    value = values[0] if values else SAMPLE.get(name, "")
    return f"--{name} {value}".rstrip()


def test_names_are_unique_and_resolve() -> None:
    for spec in PARAMS:
        for name in spec.names:
            assert by_name[name] is spec
            assert lookup(name.upper()) is spec


def test_rows_are_consistent() -> None:
    for spec in PARAMS:
        if spec.minimum is not None or spec.maximum is not None:
            assert spec.kind in (Kind.INT, Kind.FLOAT), spec.name
            assert spec.minimum is not None and spec.maximum is not None
            assert spec.minimum <= spec.maximum
        if spec.kind is Kind.FLAG:
            assert spec.arity in (Arity.ZERO, Arity.ZERO_PLUS), spec.name
        assert set(spec.cost_values) <= set(spec.choices) or not spec.choices, spec.name
        if spec.status is Status.REMOVED:
            assert spec.note, f"{spec.name}: a removed parameter says what it was"


def test_ranges_of_the_master_table() -> None:
    # v7-syntax.md §1, row by row.
    expected = {
        "chaos": (0, 100),
        "exp": (0, 100),
        "weird": (0, 3000),
        "stylize": (0, 1000),
        "iw": (0, 3),
        "seed": (0, 4294967295),
        "sw": (0, 1000),
        "sv": (1, 6),
        "ow": (1, 1000),
        "repeat": (2, 40),
    }
    for name, (low, high) in expected.items():
        spec = by_name[name]
        assert (spec.minimum, spec.maximum) == (low, high), name
    assert by_name["quality"].choices == ("1", "2", "4")


def test_suggestions_are_only_v7_names() -> None:
    names = set(suggestion_names())
    assert {"stylize", "ar", "sref", "oref"} <= names
    assert not names & {"cref", "stop", "hd", "motion", "video"}


def test_relation_tables_name_known_parameters() -> None:
    for req in REQUIREMENTS:
        assert req.param in by_name
        assert req.needs in (NEEDS_IMAGE, NEEDS_TEXT) or req.needs in by_name
    for c in CONFLICTS:
        assert c.first in by_name and c.second in by_name


@pytest.mark.parametrize("req", REQUIREMENTS, ids=lambda r: f"{r.param}-{r.needs}")
def test_each_requirement_row(req: Requirement) -> None:
    if req.needs == NEEDS_TEXT:
        missing, present = f"{TWO_IMAGES} {_param(req.param)}", f"a cat {_param(req.param)}"
    elif req.needs == NEEDS_IMAGE:
        missing = f"a cat {_param(req.param)}"
        present = f"https://example.com/a.png a cat {_param(req.param)}"
    else:
        missing = f"a cat {_param(req.param)}"
        present = f"a cat {_param(req.param)} {_param(req.needs)}"
    for profile, severity in (("evolink", req.evolink), ("midjourney", req.midjourney)):
        found = [d for d in lint(missing, profile=profile) if d.code == "MJ501"]
        if severity is None:
            assert not found
            continue
        assert [(d.message, d.severity) for d in found] == [(req.message, severity)], profile
        assert not [d for d in lint(present, profile=profile) if d.code == "MJ501"], profile


@pytest.mark.parametrize("c", CONFLICTS, ids=lambda c: f"{c.first}-{c.second}")
def test_each_conflict_row(c: Conflict) -> None:
    both = f"a cat {_param(c.first, c.first_values)} {_param(c.second, c.second_values)}"
    alone = f"a cat {_param(c.first, c.first_values)}"
    for profile, severity in (("evolink", c.evolink), ("midjourney", c.midjourney)):
        found = [d for d in lint(both, profile=profile) if d.code == "MJ502"]
        if severity is None:
            assert not found, profile
            continue
        assert [(d.message, d.severity) for d in found] == [(c.message, severity)], profile
        assert not [d for d in lint(alone, profile=profile) if d.code == "MJ502"]
