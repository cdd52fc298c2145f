"""Past one machine: lint_frame and explode under dask.dataframe on a LocalCluster.

The cluster is in-process (``processes=False``, one worker, two threads) so the test is
light on a shared machine; the tasks still go through the scheduler and the partitions
are linted separately, which is what must give the single-process result.
"""

from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster

from mjprompt.table import explode, explode_meta, lint_frame, lint_meta, lint_table

PROMPTS = [
    "a cat --ar 16:9",
    "dog –ar 3:2 --v 7",
    "{red, blue bird --stylize 2000",
    None,
    "https://e.com/a.png castle --sref 12 --no fog, rain",
    "plain",
    "x --foo --ar16:9 --q 9",
    "--ar 1:1",
] * 5


@pytest.fixture(scope="module")
def client() -> Client:
    with (
        LocalCluster(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def test_lint_frame_on_a_cluster_is_the_single_process_result(client: Client) -> None:
    frame = pd.DataFrame({"id": range(len(PROMPTS)), "prompt": PROMPTS})
    ddf = dd.from_pandas(frame, npartitions=4)
    assert ddf.npartitions == 4
    linted = ddf.map_partitions(lint_frame, column="prompt", meta=lint_meta())
    result = client.compute(linted).result().reset_index(drop=True)
    expected = lint_table(frame)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(result, expected)


def test_explode_on_a_cluster_is_the_single_process_result(client: Client) -> None:
    frame = pd.DataFrame({"prompt": PROMPTS})
    ddf = dd.from_pandas(frame, npartitions=3)
    parts = ddf.map_partitions(explode, column="prompt", meta=explode_meta())
    result = client.compute(parts).result()
    pd.testing.assert_frame_equal(result, explode(frame))
