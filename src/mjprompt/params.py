"""The one table of Midjourney parameters, read by the parser, the renderer and the rules.

Every fact here comes from ``shared/spec/v7-syntax.md`` §1 (the master table, the
video-only and removed lists) and §3; the ``source`` column names the key of that page.
Rules never hard-code a parameter fact that belongs in this table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

__all__ = [
    "PARAMS",
    "Arity",
    "Kind",
    "ParamSpec",
    "Status",
    "by_name",
    "lookup",
]


class Kind(str, enum.Enum):
    """How a parameter's value tokens are read."""

    FLAG = "flag"  # no value
    INT = "int"
    FLOAT = "float"
    RATIO = "ratio"  # W:H
    TEXT = "text"  # free text list, commas allowed (--no)
    SREF = "sref"  # URL | code | random, each with optional ::weight
    URL = "url"  # one image URL (--oref, --cref, --end)
    CODES = "codes"  # personalization / moodboard codes (--p)
    VERSION = "version"  # version number string (--v, --niji)
    WORD = "word"  # one bare word (--style, --motion)


class Arity(str, enum.Enum):
    """How many value tokens a parameter takes (v7-syntax.md §1)."""

    ZERO = "0"
    ONE = "1"
    ONE_PLUS = "1+"
    ZERO_PLUS = "0+"

    @property
    def max(self) -> int | None:
        return {"0": 0, "1": 1}.get(self.value)

    @property
    def min(self) -> int:
        return 1 if self in (Arity.ONE, Arity.ONE_PLUS) else 0


class Status(str, enum.Enum):
    """Where a parameter stands for a V7 image job."""

    VALID = "valid"
    SPEED = "speed"  # a GPU speed flag: valid natively, moved to model_params by evolink
    MODEL = "model"  # selects a model (--v, --niji)
    REMOVED = "removed"  # legacy / deprecated / other-version parameter
    VIDEO = "video"  # video-only parameter


EVOLINK = "evolink"
MIDJOURNEY = "midjourney"
BOTH = frozenset({EVOLINK, MIDJOURNEY})
NATIVE = frozenset({MIDJOURNEY})


@attrs.frozen(slots=True)
class ParamSpec:
    """One row of the parameter table."""

    name: str  # canonical name, without the marker
    display: str  # the spelling the renderer writes (Midjourney's own echo of a prompt)
    kind: Kind
    arity: Arity
    aliases: tuple[str, ...] = ()
    status: Status = Status.VALID
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    default: str | None = None
    profiles: frozenset[str] = BOTH  # where the parameter is supported
    replacement: str | None = None  # what to use instead when it is removed/unsupported
    cost: str | None = None
    note: str = ""
    source: str = ""
    order: int = 100  # position in canonical rendering

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


_K, _A, _S = Kind, Arity, Status

PARAMS: tuple[ParamSpec, ...] = (
    # --- valid V7 image parameters (v7-syntax.md §1 master table) -------------------
    ParamSpec(
        "aspect",
        "ar",
        _K.RATIO,
        _A.ONE,
        ("ar",),
        default="1:1",
        order=10,
        note="positive integers, at most 14:1 either way",
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        "chaos",
        "chaos",
        _K.INT,
        _A.ONE,
        ("c",),
        minimum=0,
        maximum=100,
        default="0",
        order=20,
        source="OFF, EVO",
    ),
    ParamSpec(
        "exp",
        "exp",
        _K.INT,
        _A.ONE,
        minimum=0,
        maximum=100,
        default="0",
        order=30,
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        "weird",
        "weird",
        _K.INT,
        _A.ONE,
        ("w",),
        minimum=0,
        maximum=3000,
        default="0",
        order=40,
        source="OFF, EVO, MJ-LEG",
    ),
    ParamSpec(
        "stylize",
        "stylize",
        _K.INT,
        _A.ONE,
        ("s",),
        minimum=0,
        maximum=1000,
        default="100",
        order=50,
        source="OFF, ERR-KIN, EVO",
    ),
    ParamSpec("raw", "raw", _K.FLAG, _A.ZERO, order=60, source="OFF, EVO"),
    ParamSpec(
        "quality",
        "q",
        _K.FLOAT,
        _A.ONE,
        ("q",),
        choices=("1", "2", "4"),
        default="1",
        order=70,
        cost="--q 2 and --q 4 cost more GPU time",
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        "seed", "seed", _K.INT, _A.ONE, minimum=0, maximum=4294967295, order=80, source="OFF, EVO"
    ),
    ParamSpec("tile", "tile", _K.FLAG, _A.ZERO, order=90, source="OFF MJ-VER, EVO"),
    ParamSpec(
        "iw",
        "iw",
        _K.FLOAT,
        _A.ONE,
        minimum=0,
        maximum=3,
        default="1",
        order=100,
        note="needs an image prompt",
        source="OFF MJ-IP, EVO",
    ),
    ParamSpec(
        "sref",
        "sref",
        _K.SREF,
        _A.ONE_PLUS,
        order=110,
        note="URL, numeric code or random, each with an optional ::weight",
        source="OFF MJ-QUOTES, EVO",
    ),
    ParamSpec(
        "sw",
        "sw",
        _K.INT,
        _A.ONE,
        minimum=0,
        maximum=1000,
        default="100",
        order=120,
        note="needs --sref",
        source="OFF, ERR-KIN, EVO",
    ),
    ParamSpec(
        "sv",
        "sv",
        _K.INT,
        _A.ONE,
        minimum=1,
        maximum=6,
        default="6",
        order=130,
        note="needs --sref",
        source="OFF updates, EVO, 3P-GC",
    ),
    ParamSpec(
        "oref",
        "oref",
        _K.URL,
        _A.ONE,
        order=140,
        cost="--oref doubles the GPU cost",
        note="exactly one image URL; V7 only",
        source="OFF MJ-OMNI, EVO",
    ),
    ParamSpec(
        "ow",
        "ow",
        _K.INT,
        _A.ONE,
        minimum=1,
        maximum=1000,
        default="100",
        order=150,
        note="needs --oref",
        source="OFF MJ-OMNI, EVO",
    ),
    ParamSpec(
        "profile",
        "profile",
        _K.CODES,
        _A.ZERO_PLUS,
        ("p", "personalize"),
        profiles=NATIVE,
        order=160,
        note="not available through the evolink API",
        source="OFF MJ-PERS, 3P-TG",
    ),
    ParamSpec("no", "no", _K.TEXT, _A.ONE_PLUS, order=170, source="OFF, EVO"),
    ParamSpec(
        "repeat",
        "repeat",
        _K.INT,
        _A.ONE,
        ("r",),
        minimum=2,
        maximum=40,
        profiles=NATIVE,
        order=180,
        note="each repeat is a separately billed job",
        source="OFF, 3P-JP",
    ),
    ParamSpec(
        "version",
        "v",
        _K.VERSION,
        _A.ONE,
        ("v",),
        status=_S.MODEL,
        choices=("7", "7.0"),
        order=190,
        source="OFF MJ-VER, EVO-API",
    ),
    ParamSpec(
        "draft",
        "draft",
        _K.FLAG,
        _A.ZERO,
        status=_S.SPEED,
        order=200,
        replacement='model_params.speed "draft"',
        cost="--draft costs half",
        source="OFF MJ-DRAFT, EVO",
    ),
    ParamSpec(
        "fast",
        "fast",
        _K.FLAG,
        _A.ZERO,
        status=_S.SPEED,
        order=201,
        replacement='model_params.speed "fast"',
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        "turbo",
        "turbo",
        _K.FLAG,
        _A.ZERO,
        status=_S.SPEED,
        order=202,
        replacement='model_params.speed "turbo"',
        cost="turbo costs about twice fast",
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        "relax",
        "relax",
        _K.FLAG,
        _A.ZERO,
        status=_S.SPEED,
        profiles=NATIVE,
        order=203,
        replacement='model_params.speed "fast"',
        note="evolink: V7 has no relax mode",
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        "stealth", "stealth", _K.FLAG, _A.ZERO, profiles=NATIVE, order=210, source="OFF, EVO"
    ),
    ParamSpec("public", "public", _K.FLAG, _A.ZERO, profiles=NATIVE, order=211, source="OFF, EVO"),
    # --- another model line -----------------------------------------------------------
    ParamSpec(
        "niji",
        "niji",
        _K.VERSION,
        _A.ONE,
        status=_S.MODEL,
        order=191,
        replacement="--v 7",
        note="a separate model line, not V7",
        source="OFF MJ-VER",
    ),
    # --- --style: only `raw` survives, as --raw -----------------------------------------
    ParamSpec(
        "style",
        "style",
        _K.WORD,
        _A.ONE,
        status=_S.REMOVED,
        choices=("raw",),
        order=61,
        replacement="--raw",
        note="other --style values belong to Niji 5, V4 or the Style Tuner",
        source="OFF MJ-LEG, EVO",
    ),
    # --- removed, legacy or other-version parameters (v7-syntax.md §1) ----------------
    ParamSpec(
        "cref",
        "cref",
        _K.URL,
        _A.ONE_PLUS,
        status=_S.REMOVED,
        replacement="--oref",
        source="ERR-V, EVO",
    ),
    ParamSpec(
        "cw", "cw", _K.INT, _A.ONE, status=_S.REMOVED, replacement="--ow", source="ERR-KIN, EVO"
    ),
    ParamSpec("stop", "stop", _K.INT, _A.ONE, status=_S.REMOVED, source="OFF MJ-LEG, EVO"),
    ParamSpec("hd", "hd", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-VER, MJ-LEG"),
    ParamSpec("sd", "sd", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-VER"),
    ParamSpec(
        "edit", "edit", _K.FLAG, _A.ZERO_PLUS, status=_S.REMOVED, replacement="--oref", source="OFF"
    ),
    ParamSpec("preview", "preview", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="V8.2"),
    ParamSpec("test", "test", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("testp", "testp", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("creative", "creative", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec(
        "sameseed",
        "sameseed",
        _K.INT,
        _A.ZERO_PLUS,
        status=_S.REMOVED,
        replacement="--seed",
        source="OFF MJ-LEG",
    ),
    ParamSpec("uplight", "uplight", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("upbeta", "upbeta", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("upanime", "upanime", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("beta", "beta", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("hq", "hq", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("newclip", "newclip", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("nostretch", "nostretch", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("old", "old", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec("vibe", "vibe", _K.FLAG, _A.ZERO, status=_S.REMOVED, source="OFF MJ-LEG"),
    ParamSpec(
        "width", "width", _K.INT, _A.ONE, status=_S.REMOVED, replacement="--ar", source="OFF MJ-LEG"
    ),
    ParamSpec(
        "height",
        "height",
        _K.INT,
        _A.ONE,
        ("h",),
        status=_S.REMOVED,
        replacement="--ar",
        source="OFF MJ-LEG",
    ),
    # --- video-only parameters (never valid on an image job) ----------------------------
    ParamSpec("video", "video", _K.FLAG, _A.ZERO, status=_S.VIDEO, source="OFF MJ-VIDEO"),
    ParamSpec(
        "motion",
        "motion",
        _K.WORD,
        _A.ONE,
        status=_S.VIDEO,
        choices=("low", "high"),
        source="OFF MJ-VIDEO",
    ),
    ParamSpec("loop", "loop", _K.FLAG, _A.ZERO, status=_S.VIDEO, source="OFF MJ-VIDEO"),
    ParamSpec("end", "end", _K.URL, _A.ONE, status=_S.VIDEO, source="OFF MJ-VIDEO"),
    ParamSpec(
        "bs", "bs", _K.INT, _A.ONE, status=_S.VIDEO, choices=("1", "2", "4"), source="OFF MJ-VIDEO"
    ),
)


def _index(specs: tuple[ParamSpec, ...]) -> dict[str, ParamSpec]:
    table: dict[str, ParamSpec] = {}
    for spec in specs:
        for name in spec.names:
            if name in table:  # a table error, caught at import time by the tests
                raise ValueError(f"parameter name {name!r} defined twice")
            table[name] = spec
    return table


_BY_NAME: dict[str, ParamSpec] = _index(PARAMS)
by_name: Mapping[str, ParamSpec] = _BY_NAME


def lookup(name: str) -> ParamSpec | None:
    """The spec for a parameter name as written (any case, any alias), or ``None``."""
    return _BY_NAME.get(name) or _BY_NAME.get(name.lower())
