"""mjprompt.table: lint_table and explode on Arrow tables and pandas DataFrames."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.params import PARAMS
from mjprompt.strategies import prompts, valid_prompts
from mjprompt.table import (
    EXPLODE_FIXED_COLUMNS,
    LINT_SCHEMA,
    explode,
    explode_meta,
    explode_schema,
    lint_frame,
    lint_meta,
    lint_table,
)

SETTINGS = settings(
    max_examples=int(os.environ.get("MJPROMPT_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _encodable(text: str) -> bool:
    # Arrow strings are UTF-8: a lone surrogate cannot be stored in a table at all.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Tables of prompts, some cells null: what scraped datasets look like.
cells = st.one_of(st.none(), prompts().filter(_encodable), valid_prompts())
tables = st.lists(cells, max_size=12)


def _expected(texts: list[str | None], profile: str = "evolink") -> list[tuple[object, ...]]:
    """lint_many row by row, as the rows lint_table must give."""
    present = [(i, t) for i, t in enumerate(texts) if t is not None]
    found = mjprompt.lint_many([t for _, t in present], profile=profile)
    return [
        (
            i,
            d.code,
            d.severity.value,
            d.span.start,
            d.span.end,
            d.message,
            d.fix is not None and d.fix.safe,
        )
        for (i, _), diagnostics in zip(present, found, strict=True)
        for d in diagnostics
    ]


def _rows(result: pa.Table) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in result.to_pylist()]


@SETTINGS
@given(tables, st.sampled_from(["evolink", "midjourney"]))
def test_lint_table_is_lint_many_row_by_row(texts: list[str | None], profile: str) -> None:
    table = pa.table({"prompt": pa.array(texts, pa.string())})
    result = lint_table(table, profile=profile)
    assert result.schema == LINT_SCHEMA
    assert _rows(result) == _expected(texts, profile)


@SETTINGS
@given(tables)
def test_pandas_in_pandas_out_same_rows(texts: list[str | None]) -> None:
    frame = pd.DataFrame({"id": range(len(texts)), "prompt": pd.Series(texts, dtype=object)})
    result = lint_table(frame)
    assert isinstance(result, pd.DataFrame)
    rows = [tuple(r) for r in result.itertuples(index=False)]
    assert rows == _expected(texts)
    assert list(result.dtypes) == list(lint_meta().dtypes)


@SETTINGS
@given(tables)
def test_explode_has_one_row_per_prompt_and_counts_errors(texts: list[str | None]) -> None:
    table = pa.table({"p": pa.array(texts, pa.string())})
    result = explode(table, column="p")
    assert result.schema == explode_schema()
    assert result.num_rows == len(texts)
    for text, row in zip(texts, result.to_pylist(), strict=True):
        if text is None:
            assert all(v is None for v in row.values())
            continue
        diagnostics = mjprompt.lint(text)
        assert row["errors"] == sum(d.severity.value == "error" for d in diagnostics)
        assert row["warnings"] == sum(d.severity.value == "warning" for d in diagnostics)
        prompt = mjprompt.parser.parse_lenient(text)
        assert row["text"] == prompt.text_source
        assert row["images"] == [i.url for i in prompt.images]
        for spec in PARAMS:
            present = prompt.param(spec.name) is not None
            if spec.kind.value == "flag":
                assert row[spec.name] is present
            elif not present:
                assert row[spec.name] is None


def test_explode_typed_values() -> None:
    table = pa.table(
        {
            "prompt": [
                "https://e.com/a.png a cat --ar 16:9 --stylize 250 --q 0.5 --no red, blue "
                "--sref 123::2 random --v 7 --raw --seed 42",
                "dog –ar 3:2 --ar16:9 --chaos x --ar 2:3",
                "{red, blue} bird --foo 1",
            ]
        }
    )
    rows = explode(table).to_pylist()
    first, second, third = rows
    assert first["images"] == ["https://e.com/a.png"]
    assert first["text"] == "a cat"
    assert first["aspect"] == "16:9"
    assert first["stylize"] == 250
    assert first["quality"] == 0.5
    assert first["no"] == ["red", "blue"]
    assert first["sref"] == ["123::2", "random"]
    assert first["version"] == "7"
    assert first["raw"] is True
    assert first["tile"] is False
    assert first["seed"] == 42
    assert first["chaos"] is None
    assert first["bad_markers"] == 0
    assert first["glued"] is False
    # `–ar 3:2` is written with an en dash, which MJ rejects: since issue 14 it is a word
    # of the text (MJ101 reports it, a bad marker), so the first real --ar wins.
    assert second["text"] == "dog –ar 3:2"
    assert second["aspect"] == "16:9"
    assert second["bad_markers"] == 1
    assert second["glued"] is True
    assert second["chaos"] is None  # present but not a number
    assert second["errors"] >= 1
    assert third["permutations"] is True
    assert third["unknown_params"] == ["foo"]
    assert third["text"] == "{red, blue} bird"


def test_explode_schema_types() -> None:
    schema = explode_schema()
    assert schema.names[: len(EXPLODE_FIXED_COLUMNS)] == list(EXPLODE_FIXED_COLUMNS)
    assert schema.field("stylize").type == pa.int64()
    assert schema.field("quality").type == pa.float64()
    assert schema.field("aspect").type == pa.string()
    assert schema.field("tile").type == pa.bool_()
    assert schema.field("no").type == pa.list_(pa.string())
    assert len(schema.names) == len(EXPLODE_FIXED_COLUMNS) + len(PARAMS)


def test_explode_pandas_keeps_index_and_nullable_ints() -> None:
    frame = pd.DataFrame({"prompt": ["a --s 100", "b", None]}, index=[7, 3, 9])
    result = explode(frame)
    assert list(result.index) == [7, 3, 9]
    assert result["stylize"].tolist()[0] == 100
    assert pd.isna(result["stylize"].iloc[1])
    assert str(result["stylize"].dtype) == "int64[pyarrow]"
    assert list(result.dtypes) == list(explode_meta().dtypes)


def test_lint_frame_reports_index_labels() -> None:
    frame = pd.DataFrame({"prompt": ["fine cat", "cat –ar 3:2", "x {a"]}, index=[100, 101, 102])
    result = lint_frame(frame)
    assert sorted(set(result["row"])) == [101, 102]
    whole = lint_table(frame.reset_index(drop=True))
    assert list(result["row"] - 100) == list(whole["row"])
    assert list(result["code"]) == list(whole["code"])


def test_lint_frame_refuses_a_non_integer_index() -> None:
    frame = pd.DataFrame({"prompt": ["a"]}, index=["x"])
    with pytest.raises(TypeError, match="reset_index"):
        lint_frame(frame)
    with pytest.raises(TypeError, match="DataFrame"):
        lint_frame(pa.table({"prompt": ["a"]}))


def test_record_batch_and_dictionary_columns() -> None:
    batch = pa.record_batch({"prompt": pa.array(["a –ar 1:1"]).dictionary_encode()})
    assert lint_table(batch).column("code").to_pylist() == ["MJ101"]
    large = pa.table({"prompt": pa.array(["a –ar 1:1"], pa.large_string())})
    assert lint_table(large).column("row").to_pylist() == [0]


def test_bad_input_says_what_is_wrong() -> None:
    with pytest.raises(KeyError, match=r"no column 'prompt' \(the columns are: 'text'\)"):
        lint_table(pa.table({"text": ["a"]}))
    with pytest.raises(KeyError, match="no column 'prompt'"):
        explode(pd.DataFrame({"text": ["a"]}))
    with pytest.raises(TypeError, match="must hold strings, not int64"):
        lint_table(pa.table({"prompt": [1, 2]}))
    with pytest.raises(TypeError, match="must hold strings"):
        lint_table(pd.DataFrame({"prompt": [1, "a"]}))
    with pytest.raises(TypeError, match="not list"):
        lint_table(["a cat"])


def test_all_null_column() -> None:
    table = pa.table({"prompt": pa.array([None, None])})
    assert lint_table(table).num_rows == 0
    assert explode(table).num_rows == 2


def test_core_install_never_imports_pyarrow() -> None:
    code = (
        "import sys, mjprompt\n"
        "mjprompt.lint('a cat --ar 16:9')\n"
        "from mjprompt.cli import main\n"
        "main(['check', '-q', '-p', 'a cat'])\n"
        "bad = [m for m in ('pyarrow', 'pandas', 'dask') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_without_pyarrow_the_message_says_what_to_install() -> None:
    # A meta-path hook that makes pyarrow impossible to import, as on a core install.
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pyarrow':\n"
        "            raise ImportError('blocked')\n"
        "sys.meta_path.insert(0, Block())\n"
        "try:\n"
        "    import mjprompt.table\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "pip install 'mjprompt[data]'" in proc.stdout, proc.stderr


def test_explode_whole_numbers_beyond_int64_are_null() -> None:
    # Out of range anyway (MJ304); Arrow's int64 cannot hold them.
    prompts = ["a --seed " + "9" * 5000, "a --seed 99999999999999999999", "a --seed 42"]
    rows = explode(pa.table({"prompt": prompts})).to_pylist()
    assert [row["seed"] for row in rows] == [None, None, 42]
    assert all(row["errors"] == 1 for row in rows[:2])
