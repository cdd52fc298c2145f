"""mjprompt._record.Record: what the attrs classes it replaced gave, kept."""

from __future__ import annotations

import pickle

import pytest

from mjprompt._record import Record
from mjprompt.cli.engine import PromptResult
from mjprompt.cli.location import Origin
from mjprompt.cli.sources import FileStart, PromptItem, Source
from mjprompt.params import ParamSpec, lookup


class Pair(Record):
    __slots__ = ("left", "right")
    left: int
    right: str

    def __init__(self, left: int, right: str = "r") -> None:
        self._set_fields(left, right)


class Other(Record):
    __slots__ = ("left", "right")
    left: int
    right: str

    def __init__(self, left: int, right: str = "r") -> None:
        self._set_fields(left, right)


def test_equality_and_hash_go_by_class_and_fields() -> None:
    assert Pair(1) == Pair(1, "r")
    assert Pair(1) != Pair(2)
    assert Pair(1) != Other(1)  # same fields, another class
    assert hash(Pair(1)) == hash(Pair(1, "r"))
    assert len({Pair(1), Pair(1), Pair(2)}) == 2


def test_a_one_field_record_compares_and_hashes_its_field() -> None:
    source = Source("a.txt", "text")
    assert FileStart(source) == FileStart(Source("a.txt", "text"))
    assert FileStart(source) != FileStart(Source("b.txt", "text"))
    assert {FileStart(source): 1}[FileStart(source)] == 1


def test_repr_is_attrs_style() -> None:
    assert repr(Pair(1)) == "Pair(left=1, right='r')"
    assert repr(FileStart(Source(None, "prompt"))).startswith("FileStart(source=Source(path=None")


def test_fields_cannot_be_set_or_deleted() -> None:
    pair = Pair(1)
    with pytest.raises(AttributeError, match="immutable"):
        pair.left = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del pair.right
    with pytest.raises(AttributeError):
        pair.extra = 1  # type: ignore[attr-defined]
    assert pair == Pair(1)


def test_replace_changes_only_the_named_fields() -> None:
    item = PromptItem("a cat", Origin("f.txt", 3, 0))
    changed = item.replace(suppress=("MJ101",), job=None)
    assert changed == PromptItem("a cat", Origin("f.txt", 3, 0), ("MJ101",), None)
    assert item.suppress == ()  # the original is untouched
    with pytest.raises(TypeError, match="no field 'nope'"):
        item.replace(nope=1)


def test_replace_works_on_keyword_only_records() -> None:
    spec = lookup("ar")
    assert isinstance(spec, ParamSpec)
    wider = spec.replace(maximum=14.0)
    assert wider.maximum == 14.0 and wider.name == spec.name and wider.aliases == spec.aliases


@pytest.mark.parametrize(
    "value",
    [
        Pair(1, "x"),
        PromptItem("a cat", Origin(None, 1, 0, None, "a cat")),
        lookup("stylize"),
        PromptResult("a cat", (), 2, converged=False),  # `--jobs` workers send these
    ],
)
def test_pickling_round_trips(value: object) -> None:
    assert pickle.loads(pickle.dumps(value)) == value


def test_a_record_needs_a_field() -> None:
    with pytest.raises(TypeError, match="at least one field"):

        class Empty(Record):
            __slots__ = ()
