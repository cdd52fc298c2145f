"""The one table of Midjourney parameters, read by the parser, the renderer and the rules.

Every fact here comes from ``shared/spec/v7-syntax.md`` §1 (the master table, the
video-only and removed lists) and §3; the ``source`` column names the key of that page.
Rules never hard-code a parameter fact that belongs in this table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from ._record import Record
from .diagnostics import E, Severity, W

__all__ = [
    "CONFLICTS",
    "PARAMS",
    "REQUIREMENTS",
    "Arity",
    "Conflict",
    "Kind",
    "ParamSpec",
    "Requirement",
    "Status",
    "by_name",
    "lookup",
    "suggestion_names",
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


class ParamSpec(Record):
    """One row of the parameter table, written with keywords (a row is read by name)."""

    __slots__ = (  # noqa: RUF023 - field order
        "name",
        "display",
        "kind",
        "arity",
        "aliases",
        "status",
        "minimum",
        "maximum",
        "choices",
        "default",
        "profiles",
        "replacement",
        "cost",
        "cost_values",
        "note",
        "source",
        "order",
    )
    name: str  # canonical name, without the marker
    display: str  # the spelling the renderer writes (Midjourney's own echo of a prompt)
    kind: Kind
    arity: Arity
    aliases: tuple[str, ...]
    status: Status
    minimum: float | None
    maximum: float | None
    choices: tuple[str, ...]
    default: str | None
    profiles: frozenset[str]  # where the parameter is supported
    replacement: str | None  # what to use instead when it is removed/unsupported
    cost: str | None  # an info note on GPU cost (MJ601)
    cost_values: tuple[str, ...]  # only these values cost more; empty = any use
    note: str
    source: str
    order: int  # position in canonical rendering

    def __init__(
        self,
        *,
        name: str,
        display: str,
        kind: Kind,
        arity: Arity,
        aliases: tuple[str, ...] = (),
        status: Status = Status.VALID,
        minimum: float | None = None,
        maximum: float | None = None,
        choices: tuple[str, ...] = (),
        default: str | None = None,
        profiles: frozenset[str] = BOTH,
        replacement: str | None = None,
        cost: str | None = None,
        cost_values: tuple[str, ...] = (),
        note: str = "",
        source: str = "",
        order: int = 100,
    ) -> None:
        self._set_fields(
            name,
            display,
            kind,
            arity,
            aliases,
            status,
            minimum,
            maximum,
            choices,
            default,
            profiles,
            replacement,
            cost,
            cost_values,
            note,
            source,
            order,
        )

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


_K, _A, _S = Kind, Arity, Status


def _removed(
    *,
    name: str,
    kind: Kind,
    arity: Arity,
    note: str,
    aliases: tuple[str, ...] = (),
    replacement: str | None = None,
    source: str = "OFF MJ-LEG",
) -> ParamSpec:
    """A row of the removed, legacy or other-version list."""
    return ParamSpec(
        name=name,
        display=name,
        kind=kind,
        arity=arity,
        aliases=aliases,
        status=Status.REMOVED,
        replacement=replacement,
        note=note,
        source=source,
    )


PARAMS: tuple[ParamSpec, ...] = (
    # --- valid V7 image parameters (v7-syntax.md §1 master table) -------------------
    ParamSpec(
        name="aspect",
        display="ar",
        kind=_K.RATIO,
        arity=_A.ONE,
        aliases=("ar",),
        default="1:1",
        order=10,
        note="positive integers, at most 14:1 either way",
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        name="chaos",
        display="chaos",
        kind=_K.INT,
        arity=_A.ONE,
        aliases=("c",),
        minimum=0,
        maximum=100,
        default="0",
        order=20,
        source="OFF, EVO",
    ),
    ParamSpec(
        name="exp",
        display="exp",
        kind=_K.INT,
        arity=_A.ONE,
        minimum=0,
        maximum=100,
        default="0",
        order=30,
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        name="weird",
        display="weird",
        kind=_K.INT,
        arity=_A.ONE,
        aliases=("w",),
        minimum=0,
        maximum=3000,
        default="0",
        order=40,
        source="OFF, EVO, MJ-LEG",
    ),
    ParamSpec(
        name="stylize",
        display="stylize",
        kind=_K.INT,
        arity=_A.ONE,
        aliases=("s",),
        minimum=0,
        maximum=1000,
        default="100",
        order=50,
        source="OFF, ERR-KIN, EVO",
    ),
    ParamSpec(name="raw", display="raw", kind=_K.FLAG, arity=_A.ZERO, order=60, source="OFF, EVO"),
    ParamSpec(
        name="quality",
        display="q",
        kind=_K.FLOAT,
        arity=_A.ONE,
        aliases=("q",),
        choices=("1", "2", "4"),
        default="1",
        order=70,
        cost="costs more GPU time than `--q 1` (about ×2 for 2, ×4 for 4)",
        cost_values=("2", "4"),
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        name="seed",
        display="seed",
        kind=_K.INT,
        arity=_A.ONE,
        minimum=0,
        maximum=4294967295,
        order=80,
        source="OFF, EVO",
    ),
    ParamSpec(
        name="tile", display="tile", kind=_K.FLAG, arity=_A.ZERO, order=90, source="OFF MJ-VER, EVO"
    ),
    ParamSpec(
        name="iw",
        display="iw",
        kind=_K.FLOAT,
        arity=_A.ONE,
        minimum=0,
        maximum=3,
        default="1",
        order=100,
        note="needs an image prompt",
        source="OFF MJ-IP, EVO",
    ),
    ParamSpec(
        name="sref",
        display="sref",
        kind=_K.SREF,
        arity=_A.ONE_PLUS,
        order=110,
        note="URL, numeric code or random, each with an optional ::weight",
        source="OFF MJ-QUOTES, EVO",
    ),
    ParamSpec(
        name="sw",
        display="sw",
        kind=_K.INT,
        arity=_A.ONE,
        minimum=0,
        maximum=1000,
        default="100",
        order=120,
        note="needs --sref",
        source="OFF, ERR-KIN, EVO",
    ),
    ParamSpec(
        name="sv",
        display="sv",
        kind=_K.INT,
        arity=_A.ONE,
        minimum=1,
        maximum=6,
        default="6",
        order=130,
        note="needs --sref",
        source="OFF updates, EVO, 3P-GC",
    ),
    ParamSpec(
        name="oref",
        display="oref",
        kind=_K.URL,
        # Read as 1+ so that a second URL is reported as such (MJ310), not as stray text.
        arity=_A.ONE_PLUS,
        order=140,
        cost="doubles the GPU cost of the job",
        note="exactly one image URL; V7 only",
        source="OFF MJ-OMNI, EVO",
    ),
    ParamSpec(
        name="ow",
        display="ow",
        kind=_K.INT,
        arity=_A.ONE,
        minimum=1,
        maximum=1000,
        default="100",
        order=150,
        note="needs --oref",
        source="OFF MJ-OMNI, EVO",
    ),
    ParamSpec(
        name="profile",
        display="profile",
        kind=_K.CODES,
        arity=_A.ZERO_PLUS,
        aliases=("p", "personalize"),
        profiles=NATIVE,
        order=160,
        note="not available through the evolink API",
        source="OFF MJ-PERS, 3P-TG",
    ),
    ParamSpec(
        name="no", display="no", kind=_K.TEXT, arity=_A.ONE_PLUS, order=170, source="OFF, EVO"
    ),
    ParamSpec(
        name="repeat",
        display="repeat",
        kind=_K.INT,
        arity=_A.ONE,
        aliases=("r",),
        minimum=2,
        maximum=40,
        profiles=NATIVE,
        order=180,
        cost="runs the prompt as several jobs, each billed",
        note="each repeat is a separately billed job",
        source="OFF, 3P-JP",
    ),
    ParamSpec(
        name="version",
        display="v",
        kind=_K.VERSION,
        arity=_A.ONE,
        aliases=("v",),
        status=_S.MODEL,
        choices=("7", "7.0"),
        order=190,
        source="OFF MJ-VER, EVO-API",
    ),
    ParamSpec(
        name="draft",
        display="draft",
        kind=_K.FLAG,
        arity=_A.ZERO,
        status=_S.SPEED,
        order=200,
        replacement='model_params.speed "draft"',
        source="OFF MJ-DRAFT, EVO",
    ),
    ParamSpec(
        name="fast",
        display="fast",
        kind=_K.FLAG,
        arity=_A.ZERO,
        status=_S.SPEED,
        order=201,
        replacement='model_params.speed "fast"',
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        name="turbo",
        display="turbo",
        kind=_K.FLAG,
        arity=_A.ZERO,
        status=_S.SPEED,
        order=202,
        replacement='model_params.speed "turbo"',
        cost="Turbo mode costs about twice as much as Fast",
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        name="relax",
        display="relax",
        kind=_K.FLAG,
        arity=_A.ZERO,
        status=_S.SPEED,
        profiles=NATIVE,
        order=203,
        replacement='model_params.speed "fast"',
        note="evolink: V7 has no relax mode",
        source="OFF MJ-VER, EVO",
    ),
    ParamSpec(
        name="stealth",
        display="stealth",
        kind=_K.FLAG,
        arity=_A.ZERO,
        profiles=NATIVE,
        order=210,
        source="OFF, EVO",
    ),
    ParamSpec(
        name="public",
        display="public",
        kind=_K.FLAG,
        arity=_A.ZERO,
        profiles=NATIVE,
        order=211,
        source="OFF, EVO",
    ),
    # --- another model line -----------------------------------------------------------
    ParamSpec(
        name="niji",
        display="niji",
        kind=_K.VERSION,
        # A bare `--niji` chose the default Niji version; MJ403 reports it either way.
        arity=_A.ZERO_PLUS,
        status=_S.MODEL,
        order=191,
        replacement="--v 7",
        note="a separate model line, not V7",
        source="OFF MJ-VER",
    ),
    # --- --style: only `raw` survives, as --raw -----------------------------------------
    ParamSpec(
        name="style",
        display="style",
        kind=_K.WORD,
        arity=_A.ONE,
        status=_S.REMOVED,
        choices=("raw",),
        order=61,
        replacement="--raw",
        note="other --style values belong to Niji 5, V4 or the Style Tuner",
        source="OFF MJ-LEG, EVO",
    ),
    # --- removed, legacy or other-version parameters (v7-syntax.md §1) ----------------
    # ``note`` says what the parameter is (or was); MJ404 quotes it with the replacement.
    ParamSpec(
        name="cref",
        display="cref",
        kind=_K.URL,
        arity=_A.ONE_PLUS,
        status=_S.REMOVED,
        replacement="--oref",
        note="character reference, V6 and Niji 6 only",
        source="ERR-V, EVO",
    ),
    ParamSpec(
        name="cw",
        display="cw",
        kind=_K.INT,
        arity=_A.ONE,
        status=_S.REMOVED,
        replacement="--ow",
        note="character weight, V6 and Niji 6 only",
        source="ERR-KIN, EVO",
    ),
    _removed(name="stop", kind=_K.INT, arity=_A.ONE, note="legacy, V6 and earlier"),
    _removed(
        name="hd",
        kind=_K.FLAG,
        arity=_A.ZERO,
        note="V8.1+ 2K output (or the V1–3 era model)",
        source="OFF MJ-VER",
    ),
    _removed(
        name="sd",
        kind=_K.FLAG,
        arity=_A.ZERO,
        note="V8.1+ standard definition",
        source="OFF MJ-VER",
    ),
    _removed(
        name="edit", kind=_K.FLAG, arity=_A.ZERO_PLUS, note="the V8.1/V8.2 Edit Model", source="OFF"
    ),
    _removed(name="preview", kind=_K.FLAG, arity=_A.ZERO, note="the V8.2 preview", source="V8.2"),
    _removed(name="test", kind=_K.FLAG, arity=_A.ZERO, note="a legacy test model"),
    _removed(name="testp", kind=_K.FLAG, arity=_A.ZERO, note="a legacy photographic test model"),
    _removed(
        name="creative", kind=_K.FLAG, arity=_A.ZERO, note="a legacy modifier of the test models"
    ),
    _removed(name="sameseed", kind=_K.INT, arity=_A.ZERO_PLUS, note="legacy", replacement="--seed"),
    _removed(name="uplight", kind=_K.FLAG, arity=_A.ZERO, note="a legacy upscaler"),
    _removed(name="upbeta", kind=_K.FLAG, arity=_A.ZERO, note="a deprecated upscaler"),
    _removed(name="upanime", kind=_K.FLAG, arity=_A.ZERO, note="a deprecated upscaler"),
    _removed(name="beta", kind=_K.FLAG, arity=_A.ZERO, note="a deprecated V3-era model"),
    _removed(name="hq", kind=_K.FLAG, arity=_A.ZERO, note="deprecated"),
    _removed(name="newclip", kind=_K.FLAG, arity=_A.ZERO, note="deprecated"),
    _removed(name="nostretch", kind=_K.FLAG, arity=_A.ZERO, note="deprecated"),
    _removed(name="old", kind=_K.FLAG, arity=_A.ZERO, note="deprecated"),
    _removed(name="vibe", kind=_K.FLAG, arity=_A.ZERO, note="deprecated"),
    _removed(name="width", kind=_K.INT, arity=_A.ONE, note="deprecated", replacement="--ar"),
    _removed(
        name="height",
        kind=_K.INT,
        arity=_A.ONE,
        note="deprecated",
        aliases=("h",),
        replacement="--ar",
    ),
    # --- video-only parameters (never valid on an image job) ----------------------------
    ParamSpec(
        name="video",
        display="video",
        kind=_K.FLAG,
        arity=_A.ZERO,
        status=_S.VIDEO,
        source="OFF MJ-VIDEO",
    ),
    ParamSpec(
        name="motion",
        display="motion",
        kind=_K.WORD,
        arity=_A.ONE,
        status=_S.VIDEO,
        choices=("low", "high"),
        source="OFF MJ-VIDEO",
    ),
    ParamSpec(
        name="loop",
        display="loop",
        kind=_K.FLAG,
        arity=_A.ZERO,
        status=_S.VIDEO,
        source="OFF MJ-VIDEO",
    ),
    ParamSpec(
        name="end", display="end", kind=_K.URL, arity=_A.ONE, status=_S.VIDEO, source="OFF MJ-VIDEO"
    ),
    ParamSpec(
        name="bs",
        display="bs",
        kind=_K.INT,
        arity=_A.ONE,
        status=_S.VIDEO,
        choices=("1", "2", "4"),
        source="OFF MJ-VIDEO",
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


def suggestion_names() -> tuple[str, ...]:
    """The names worth suggesting for an unknown one: those of parameters V7 accepts."""
    return tuple(
        name
        for spec in PARAMS
        if spec.status in (Status.VALID, Status.SPEED, Status.MODEL)
        for name in spec.names
    )


# --- dependencies and conflicts (v7-syntax.md §3.1–3.3) ------------------------------
# Severity follows PRODUCT.md §5: an error where Midjourney's docs and the evolink guide
# agree; where only the evolink guide states it, an error in the evolink profile (it is
# the contract of the API) and a warning in the midjourney profile; an inference or a
# soft interaction is a warning. ``None`` = not checked in that profile.


# Pseudo-names a requirement can need besides a canonical parameter name.
NEEDS_IMAGE = "@image"  # at least one image prompt URL
NEEDS_TEXT = "@text"  # a text prompt (checked on prompts that have images; else MJ201)


class Requirement(Record):
    """``param`` needs ``needs`` (a canonical name, ``@image`` or ``@text``)."""

    __slots__ = ("param", "needs", "evolink", "midjourney", "message", "source")  # noqa: RUF023 - field order
    param: str
    needs: str
    evolink: Severity | None
    midjourney: Severity | None
    message: str
    source: str

    def __init__(
        self,
        *,
        param: str,
        needs: str,
        evolink: Severity | None,
        midjourney: Severity | None,
        message: str,
        source: str,
    ) -> None:
        self._set_fields(param, needs, evolink, midjourney, message, source)


class Conflict(Record):
    """``first`` (with one of ``first_values``, any if empty) cannot go with ``second``."""

    __slots__ = (  # noqa: RUF023 - field order
        "first",
        "second",
        "evolink",
        "midjourney",
        "message",
        "source",
        "first_values",
        "second_values",
    )
    first: str
    second: str
    evolink: Severity | None
    midjourney: Severity | None
    message: str
    source: str
    first_values: tuple[str, ...]
    second_values: tuple[str, ...]

    def __init__(
        self,
        *,
        first: str,
        second: str,
        evolink: Severity | None,
        midjourney: Severity | None,
        message: str,
        source: str,
        first_values: tuple[str, ...] = (),
        second_values: tuple[str, ...] = (),
    ) -> None:
        self._set_fields(
            first, second, evolink, midjourney, message, source, first_values, second_values
        )


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        param="sw",
        needs="sref",
        evolink=E,
        midjourney=E,
        message="Cannot use `--sw` without a `--sref`",
        source="EVO; OFF; ERR-KIN",
    ),
    Requirement(
        param="sv",
        needs="sref",
        evolink=E,
        midjourney=E,
        message="Cannot use `--sv` without a `--sref`",
        source="EVO; OFF",
    ),
    Requirement(
        param="ow",
        needs="oref",
        evolink=E,
        midjourney=E,
        message="Cannot use `--ow` without an `--oref`",
        source="EVO; OFF MJ-OMNI",
    ),
    Requirement(
        param="iw",
        needs=NEEDS_IMAGE,
        evolink=E,
        midjourney=W,
        message="Cannot use `--iw` without an image prompt: it weights the leading image URL(s)",
        source="EVO",
    ),
    Requirement(
        param="sref",
        needs=NEEDS_TEXT,
        evolink=E,
        midjourney=E,
        message="`--sref` needs a text prompt; an image-only prompt cannot use it",
        source="EVO; OFF",
    ),
    Requirement(
        param="oref",
        needs=NEEDS_TEXT,
        evolink=E,
        midjourney=E,
        message="`--oref` needs a text prompt; an image-only prompt cannot use it",
        source="EVO; OFF MJ-OMNI",
    ),
    Requirement(
        param="stylize",
        needs=NEEDS_TEXT,
        evolink=E,
        midjourney=W,
        message="`--stylize` does nothing on an image-only prompt (evolink: incompatible)",
        source="EVO; 3P",
    ),
    Requirement(
        param="weird",
        needs=NEEDS_TEXT,
        evolink=E,
        midjourney=W,
        message="`--weird` does nothing on an image-only prompt (evolink: incompatible)",
        source="EVO; 3P",
    ),
)

CONFLICTS: tuple[Conflict, ...] = (
    Conflict(
        first="oref",
        second="quality",
        evolink=E,
        midjourney=E,
        message="`--oref` is not compatible with `--q 4`",
        source="OFF MJ-OMNI; EVO",
        second_values=("4",),
    ),
    Conflict(
        first="oref",
        second="draft",
        evolink=E,
        midjourney=E,
        message="`--oref` is not compatible with Draft mode (`--draft`)",
        source="OFF; EVO",
    ),
    Conflict(
        first="oref",
        second="turbo",
        evolink=E,
        midjourney=W,
        message="`--oref` works only in Fast mode on evolink, not with `--turbo`",
        source="EVO",
    ),
    Conflict(
        first="draft",
        second="tile",
        evolink=E,
        midjourney=W,
        message="Draft mode does not support `--tile`",
        source="EVO",
    ),
    Conflict(
        first="stealth",
        second="public",
        evolink=None,
        midjourney=E,
        message="`--stealth` and `--public` contradict each other: a job has one visibility",
        source="an inference: a job has one visibility (no first-party text)",
    ),
    Conflict(
        first="seed",
        second="turbo",
        evolink=W,
        midjourney=W,
        message="`--seed` is not reliable in Turbo mode",
        source="EVO",
    ),
    Conflict(
        first="repeat",
        second="relax",
        evolink=None,
        midjourney=E,
        message="`--repeat` runs only in Fast or Turbo mode, not with `--relax`",
        source="OFF GPU-Speed",
    ),
)
