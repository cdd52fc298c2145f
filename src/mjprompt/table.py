"""Tables of prompts: lint every row, or take every prompt apart into typed columns.

For people who hold prompts as datasets (CSV, Parquet, Arrow, pandas, Dask)::

    import pyarrow.parquet as pq
    from mjprompt.table import explode, lint_table

    table = pq.read_table("prompts.parquet")
    findings = lint_table(table, column="prompt")  # one row per diagnostic
    parts = explode(table, column="prompt")  # one row per prompt

Needs pyarrow (``pip install 'mjprompt[data]'``); ``import mjprompt`` never imports it.
A pandas DataFrame is accepted wherever a table is, and the result is then a DataFrame
too. :func:`lint_frame` and :func:`explode` are written for ``dask.dataframe``'s
``map_partitions`` (with :func:`lint_meta` / :func:`explode_meta` as ``meta``).

Only the public API is used here (``lint_many``, ``parse``, the AST's attributes and the
parameter table), so this module keeps working when the internals change. A null cell
(a missing prompt) has no diagnostics and explodes to a row of nulls.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

try:
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("mjprompt.table needs pyarrow: pip install 'mjprompt[data]'") from exc

from .ast import Parameter, Prompt, Ratio, TextChunk
from .diagnostics import Diagnostic, Severity
from .lint import lint_many
from .params import PARAMS, Kind, ParamSpec
from .parsing import parse_lenient
from .rules.syntax import text_markers

__all__ = [
    "EXPLODE_FIXED_COLUMNS",
    "LINT_SCHEMA",
    "explode",
    "explode_meta",
    "explode_schema",
    "lint_frame",
    "lint_meta",
    "lint_table",
    "prompt_texts",
]

#: The columns of :func:`lint_table`: one row per diagnostic, rows 0-based.
LINT_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("code", pa.string()),
        ("severity", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("message", pa.string()),
        ("fixable", pa.bool_()),  # a safe fix exists (what `mjprompt fix` applies)
    ]
)

_STRINGS = pa.list_(pa.string())

# The columns of :func:`explode` that come before the one-per-parameter columns.
_FIXED: tuple[tuple[str, Any], ...] = (
    ("text", pa.string()),  # the text part as written, between images and parameters
    ("images", _STRINGS),  # leading image prompt URLs
    ("unknown_params", _STRINGS),  # parameter names the table does not know
    ("bad_markers", pa.int32()),  # parameters written with a marker MJ rejects (`–ar`)
    ("glued", pa.bool_()),  # a value touches its name (`--ar16:9`)
    ("permutations", pa.bool_()),  # has a `{a, b}` group
    ("errors", pa.int32()),  # diagnostics of severity error
    ("warnings", pa.int32()),
)
EXPLODE_FIXED_COLUMNS: tuple[str, ...] = tuple(name for name, _ in _FIXED)

# How each kind of parameter value becomes an Arrow value: its type and a converter from
# the parsed ``Parameter.value`` (None when the value does not parse).
_ARROW_TYPE: dict[Kind, Any] = {
    Kind.FLAG: pa.bool_(),
    Kind.INT: pa.int64(),
    Kind.FLOAT: pa.float64(),
    Kind.RATIO: pa.string(),  # "W:H", so that it can be grouped and filtered as is
    Kind.TEXT: _STRINGS,
    Kind.SREF: _STRINGS,
    Kind.URL: pa.string(),
    Kind.CODES: _STRINGS,
    Kind.VERSION: pa.string(),
    Kind.WORD: pa.string(),
}


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _typed(spec: ParamSpec, param: Parameter) -> object:
    """The Arrow-ready value of a parameter that is present (None: it does not parse)."""
    kind, value = spec.kind, param.value
    if kind is Kind.FLAG:
        return True  # present, whatever was written after it (the rules report that)
    if value is None:
        return None
    if kind is Kind.INT:
        # A number beyond int64 (`--seed 99999999999999999999`, out of range anyway:
        # MJ304) is null, as a value that does not parse: Arrow cannot hold it.
        fits = isinstance(value, int) and _INT64_MIN <= value <= _INT64_MAX
        return value if fits else None
    if kind is Kind.FLOAT:
        return float(value) if isinstance(value, (int, float)) else None
    if kind is Kind.RATIO:
        if not isinstance(value, Ratio):
            return None
        return f"{_number(value.width)}:{_number(value.height)}"
    if kind is Kind.SREF:
        return [v.raw for v in param.value_tokens]  # items with their `::weight`
    if kind in (Kind.TEXT, Kind.CODES):
        return [str(v) for v in value] if isinstance(value, tuple) else None
    return str(value)


def explode_schema() -> Any:
    """The schema of :func:`explode`: the fixed columns, then one per canonical parameter."""
    fields = [pa.field(name, kind) for name, kind in _FIXED]
    fields += [pa.field(spec.name, _ARROW_TYPE[spec.kind]) for spec in PARAMS]
    return pa.schema(fields)


# -- input -----------------------------------------------------------------------------


def _pandas_frame(obj: object) -> bool:
    # pandas is never imported here: an object can only be a DataFrame if it already is.
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, pd.DataFrame)


def _as_arrow(table: Any, column: str) -> Any:
    """The table (Arrow table, record batch or pandas DataFrame) as an Arrow table."""
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    if isinstance(table, pa.Table):
        return table
    if _pandas_frame(table):
        if column not in table.columns:
            raise _no_column(column, [str(c) for c in table.columns])
        try:
            return pa.Table.from_pandas(table[[column]], preserve_index=False)
        except (pa.ArrowTypeError, pa.ArrowInvalid) as exc:
            raise TypeError(f"column {column!r} must hold strings: {exc}") from None
    raise TypeError(
        f"expected a pyarrow Table or RecordBatch or a pandas DataFrame, not {type(table).__name__}"
    )


def _no_column(column: str, names: Sequence[str]) -> KeyError:
    listed = ", ".join(repr(n) for n in names) or "none"
    return KeyError(f"no column {column!r} (the columns are: {listed})")


def prompt_texts(table: Any, column: str = "prompt") -> list[str | None]:
    """The prompts of ``column`` as Python strings (None for null cells).

    Raises ``KeyError`` for a missing column and ``TypeError`` for one that does not
    hold strings (a dictionary-encoded string column is fine).
    """
    arrow = _as_arrow(table, column)
    if column not in arrow.column_names:
        raise _no_column(column, arrow.column_names)
    data = arrow.column(column)
    kind = data.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
        data = data.cast(kind)
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)):
        if hasattr(pa.types, "is_string_view") and pa.types.is_string_view(kind):
            data = data.cast(pa.string())
        else:
            raise TypeError(f"column {column!r} must hold strings, not {kind}")
    texts: list[str | None] = data.to_pylist()
    return texts


def _result(table: Any, result: Any, *, index: Any = None, arrow_types: bool = False) -> Any:
    """Arrow in, Arrow out; pandas in, pandas out (same index when rows line up)."""
    if not _pandas_frame(table):
        return result
    if arrow_types:
        import pandas as pd

        # Nullable typed columns (int64 with nulls stays int64, lists stay lists).
        frame = result.to_pandas(types_mapper=pd.ArrowDtype)
    else:
        frame = result.to_pandas()
    if index is not None:
        frame.index = index
    return frame


# -- lint ------------------------------------------------------------------------------


def _lint_columns(
    texts: Sequence[str | None],
    rows: Callable[[int], int],
    profile: str,
    select: Sequence[str] | None,
    ignore: Sequence[str] | None,
) -> Any:
    present = [i for i, t in enumerate(texts) if t is not None]
    found = lint_many(
        (t for t in texts if t is not None), profile=profile, select=select, ignore=ignore
    )
    columns: dict[str, list[Any]] = {name: [] for name in LINT_SCHEMA.names}
    for i, diagnostics in zip(present, found, strict=True):
        for d in diagnostics:
            columns["row"].append(rows(i))
            columns["code"].append(d.code)
            columns["severity"].append(d.severity.value)
            columns["start"].append(d.span.start)
            columns["end"].append(d.span.end)
            columns["message"].append(d.message)
            columns["fixable"].append(d.fix is not None and d.fix.safe)
    return pa.table(columns, schema=LINT_SCHEMA)


def lint_table(
    table: Any,
    column: str = "prompt",
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> Any:
    """One row per diagnostic of every prompt in ``column`` (see :data:`LINT_SCHEMA`).

    ``row`` is the 0-based position of the prompt in the table, ``start``/``end`` the
    diagnostic's span in the prompt (code points, end exclusive). Rows come in table
    order and, within a row, in :func:`mjprompt.lint` order. A pandas DataFrame gives a
    DataFrame.
    """
    texts = prompt_texts(table, column)
    return _result(table, _lint_columns(texts, int, profile, select, ignore))


def lint_frame(
    frame: Any,
    column: str = "prompt",
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> Any:
    """:func:`lint_table` for one pandas partition: ``row`` is the frame's index label.

    Made for ``dask.dataframe``: ``ddf.map_partitions(lint_frame, meta=lint_meta())``.
    Each partition keeps the row labels of the whole frame, so the concatenated result
    is the same as :func:`lint_table` on the whole (RangeIndexed) frame. The index must
    hold integers (``reset_index(drop=True)`` first otherwise).
    """
    if not _pandas_frame(frame):
        raise TypeError(f"lint_frame takes a pandas DataFrame, not {type(frame).__name__}")
    import pandas as pd

    if not pd.api.types.is_integer_dtype(frame.index.dtype):
        raise TypeError(
            "lint_frame reports rows by index label, which must be integers "
            f"(this index is {frame.index.dtype}); use reset_index(drop=True) first"
        )
    labels = frame.index.to_numpy()
    texts = prompt_texts(frame, column)
    result = _lint_columns(texts, lambda i: int(labels[i]), profile, select, ignore)
    return result.to_pandas()


def lint_meta() -> Any:
    """An empty DataFrame with the columns and dtypes :func:`lint_frame` returns."""
    return LINT_SCHEMA.empty_table().to_pandas()


# -- explode ---------------------------------------------------------------------------


def _bad_markers(prompt: Prompt) -> int:
    """Parameters written with a marker Midjourney rejects, as MJ101 counts them.

    Since issue 14 a mistyped marker at the end of the text (`dog –ar 3:2 --v 7`) is
    a text word to the parser, and MJ101 finds it with `text_markers`; a loose marker
    inside the parameter block is a parameter with an invalid marker style.
    """
    in_block = sum(1 for p in prompt.params if not p.marker_style.valid)
    last = prompt.text[-1] if prompt.text else None
    in_text = len(text_markers(last)) if isinstance(last, TextChunk) else 0
    return in_block + in_text


def _explode_row(prompt: Prompt, diagnostics: Iterable[Diagnostic]) -> dict[str, object]:
    errors = warnings = 0
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            errors += 1
        elif d.severity is Severity.WARNING:
            warnings += 1
    row: dict[str, object] = {
        "text": prompt.text_source,
        "images": [image.url for image in prompt.images],
        "unknown_params": [p.name for p in prompt.params if p.spec is None],
        "bad_markers": _bad_markers(prompt),
        "glued": any(p.glued for p in prompt.params),
        "permutations": next(prompt.permutations(), None) is not None,
        "errors": errors,
        "warnings": warnings,
    }
    for param in prompt.params:
        spec = param.spec
        # The first occurrence wins, as in Prompt.param (a repeat is a lint finding).
        if spec is not None and spec.name not in row:
            row[spec.name] = _typed(spec, param)
    return row


def explode(
    table: Any,
    column: str = "prompt",
    *,
    profile: str = "evolink",
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
) -> Any:
    """Every prompt of ``column`` taken apart: one output row per input row.

    The columns (:func:`explode_schema`): ``text``, ``images``, ``unknown_params``,
    ``bad_markers``, ``glued``, ``permutations``, ``errors`` and ``warnings`` (the
    diagnostics of ``profile``), then one column per canonical parameter, in the order
    of the parameter table, with a typed value: flags are booleans (False when absent),
    numbers int64/float64, the aspect ratio ``"W:H"``, lists (``--no``, ``--sref``,
    ``--profile``) lists of strings, and null when absent or when the value does not
    parse (or is a whole number beyond int64). A pandas DataFrame gives a DataFrame with
    Arrow-backed dtypes and its index.
    """
    texts = prompt_texts(table, column)
    schema = explode_schema()
    flags = {spec.name for spec in PARAMS if spec.kind is Kind.FLAG}
    present = [t for t in texts if t is not None]
    found = iter(lint_many(present, profile=profile, select=select, ignore=ignore))
    columns: dict[str, list[object]] = {name: [] for name in schema.names}
    for text in texts:
        if text is None:
            for values in columns.values():
                values.append(None)
            continue
        row = _explode_row(parse_lenient(text), next(found))
        for name, values in columns.items():
            values.append(row.get(name, False if name in flags else None))
    result = pa.table(columns, schema=schema)
    index = table.index if _pandas_frame(table) else None
    return _result(table, result, index=index, arrow_types=True)


def explode_meta() -> Any:
    """An empty DataFrame with the columns and dtypes :func:`explode` gives for pandas."""
    import pandas as pd

    return explode_schema().empty_table().to_pandas(types_mapper=pd.ArrowDtype)
