"""bench/datasets.py writes the table it promises: synthetic, seeded, in row groups."""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import datasets  # noqa: E402


def test_the_table_is_seeded_and_written_in_row_groups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(datasets, "ROW_GROUP", 1000)
    path = tmp_path / "t.parquet"
    datasets.write_table(path, 2500)
    parquet = pq.ParquetFile(path)
    assert parquet.metadata.num_rows == 2500
    assert parquet.num_row_groups == 3
    table = parquet.read()
    assert table.column("id").to_pylist() == list(range(2500))
    texts = table.column("prompt").to_pylist()
    assert texts == list(datasets.prompts(2500))  # the same seed gives the same prompts
    assert texts != list(datasets.prompts(2500, seed=datasets.SEED + 1))
    # Nulls, empty prompts and the usual mistakes are all there.
    assert None in texts
    assert "" in texts
    assert any(t and "–ar" in t for t in texts)
    assert any(t and "--ar" in t for t in texts)
