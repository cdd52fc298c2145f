"""The Python recipes of docs/datasets.md run as written and give what they promise."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mjprompt.table import lint_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "datasets.md"
PROMPTS = [
    "a cat --ar 16:9",
    "dog –ar 3:2 --v 7",
    None,
    "x {a, b --q 9",
    "https://e.com/a.png castle --stylize 100 --ar 16:9",
    "bird --ar16:9 --foo",
] * 7


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOCS.read_text("utf-8"), flags=re.DOTALL)


@pytest.fixture
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pa.Table:
    table = pa.table({"prompt": pa.array(PROMPTS, pa.string())})
    pq.write_table(table, tmp_path / "prompts.parquet", row_group_size=10)
    monkeypatch.chdir(tmp_path)
    return table


def _run(code: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "recipe"}
    exec(compile(code, str(DOCS), "exec"), namespace)
    return namespace


def test_there_are_three_python_recipes() -> None:
    blocks = _blocks()
    assert len(blocks) == 3
    assert "lint_table" in blocks[0]
    assert "pd.read_parquet" in blocks[1]
    assert "map_partitions" in blocks[2]


def test_arrow_recipe(dataset: pa.Table, capsys: pytest.CaptureFixture[str]) -> None:
    names = _run(_blocks()[0])
    assert names["findings"] == lint_table(dataset)
    wide = names["wide"]
    assert isinstance(wide, pa.Table)
    assert wide.num_rows == 3 * 7  # the glued `--ar16:9` is still an aspect ratio
    assert (
        "['row', 'code', 'severity', 'start', 'end', 'message', 'fixable']"
        in capsys.readouterr().out
    )


def test_pandas_recipe(dataset: pa.Table, capsys: pytest.CaptureFixture[str]) -> None:
    names = _run(_blocks()[1])
    findings = names["findings"]
    assert isinstance(findings, pd.DataFrame)
    pd.testing.assert_frame_equal(findings, lint_table(dataset.to_pandas()))
    assert "16:9" in capsys.readouterr().out


# dask's own Parquet reader calls a pandas method that pandas 3.1 deprecates.
@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_dask_recipe_gives_the_single_process_rows(dataset: pa.Table) -> None:
    names = _run(_blocks()[2])
    result = names["result"]
    assert isinstance(result, pd.DataFrame)
    expected = lint_table(dataset.to_pandas())
    pd.testing.assert_frame_equal(result.reset_index(drop=True), expected)
    per_code = names["per_code"]
    assert isinstance(per_code, pd.Series)
    assert dict(per_code) == dict(expected.groupby("code").size())
    aspects = names["aspects"]
    assert isinstance(aspects, pd.Series)
    assert int(aspects["16:9"]) == 3 * 7
