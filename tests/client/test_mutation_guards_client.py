"""The client core pinned where mutants of it passed every other test (issue 21).

Each test names the change it stands against. The other client tests run with the
retry jitter pinned to the middle of its range (``rng`` returns 0.5: no jitter), so the
ends of the range are tested here, through the sync and the async client alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mjprompt.client import Polling

POST = ("POST", "/v1/images/generations")


def _draws(*values: float) -> Callable[[], float]:
    it: Iterator[float] = iter(values)
    return lambda: next(it)


@pytest.mark.parametrize(
    ("draws", "sleeps"),
    [
        # rng() = 0 is the low end (1 - jitter), 1 the high end (1 + jitter).
        ((0.0, 0.0, 0.0), [0.75, 1.5, 3.0]),
        ((1.0, 1.0, 1.0), [1.25, 2.5, 5.0]),
        ((0.0, 1.0, 0.0), [0.75, 2.5, 3.0]),
    ],
    ids=["low", "high", "mixed"],
)
def test_retry_waits_span_both_ends_of_the_jitter(
    make_driver: Any,
    api: Any,
    kit: Any,
    fake_time: Any,
    draws: tuple[float, ...],
    sleeps: list[float],
) -> None:
    # The sign of the jitter flipped (M21), or the jitter dropped, changes these.
    driver = make_driver(rng=_draws(*draws))
    api.on(*POST, *[kit.error(503, "busy")] * 3, kit.ok(kit.task_json()))
    driver("submit", "a cat")
    assert fake_time.sleeps == pytest.approx(sleeps)
    assert api.count("POST") == 4


def test_poll_waits_span_both_ends_of_the_jitter(
    make_driver: Any, api: Any, kit: Any, fake_time: Any
) -> None:
    driver = make_driver(
        rng=_draws(0.0, 1.0, 0.0), polling=Polling(minimum=10.0, maximum=10.0, jitter=0.2)
    )
    path = f"/v1/tasks/{kit.TASK_ID}"
    steps = [kit.ok(kit.task_json("processing", p)) for p in (10, 50, 90)]
    api.on("GET", path, *steps, kit.ok(kit.task_json("completed", 100)))
    driver("wait", kit.TASK_ID)
    assert fake_time.sleeps == pytest.approx([8.0, 12.0, 8.0])


# --- the payment path: what a run will pay for ----------------------------------------


@pytest.mark.parametrize(
    ("status", "task_status", "retry_failed", "resubmit_unknown", "pays"),
    [
        ("failed", "failed", True, False, True),  # failed for sure, asked to retry
        ("failed", "cancelled", True, False, True),
        ("failed", None, True, False, True),  # journaled before the task existed
        ("failed", "failed", False, False, False),  # not asked: reported, not bought
        ("failed", "processing", True, False, False),  # not failed for sure: never rebought
        ("unknown", None, True, False, False),
        ("unknown", None, False, True, True),
        ("created", None, True, True, False),
    ],
)
def test_the_budget_counts_exactly_the_jobs_a_run_will_buy(
    status: str, task_status: str | None, retry_failed: bool, resubmit_unknown: bool, pays: bool
) -> None:
    # batch._needs_post decides which jobs the budget check counts: a failed task is
    # counted only when it failed for sure and --retry-failed was given (the condition
    # negated, a rebuy goes uncounted and the budget is passed).
    from mjprompt.client.batch import _needs_post
    from mjprompt.client.journal import JobState

    state = JobState(
        key="k#0", status=status, task_status=task_status, task_id="task-1" if status else None
    )
    assert _needs_post(state, retry_failed, resubmit_unknown) is pays
    assert _needs_post(None, retry_failed, resubmit_unknown) is True


def test_planned_jobs_carry_the_callback_url() -> None:
    # batch.plan_jobs: the callback URL reaches every payload (and so the job's key).
    from mjprompt.client.batch import plan_jobs

    hook = "https://example.com/hook"
    jobs, refused = plan_jobs([("p:1", "a cat"), ("p:2", "a cat")], callback_url=hook)
    assert refused == []
    assert [j.payload.get("callback_url") for j in jobs] == [hook, hook]
    plain, _ = plan_jobs([("p:1", "a cat")])
    assert "callback_url" not in plain[0].payload
    assert plain[0].key != jobs[0].key
    assert jobs[0].key != jobs[1].key  # the same prompt twice is two jobs


# --- safety: where a result link and its redirects may go ------------------------------


@pytest.mark.parametrize(
    ("original", "location", "followed"),
    [
        ("https://img.example.com/a.png", "https://img.example.com:443/b.png", True),
        ("https://img.example.com:443/a.png", "/b.png", True),
        ("http://127.0.0.1/a.png", "http://127.0.0.1:80/b.png", True),
        ("https://img.example.com/a.png", "https://img.example.com:8443/b.png", False),
        ("https://img.example.com:8443/a.png", "https://img.example.com/b.png", False),
        ("http://127.0.0.1:8080/a.png", "http://127.0.0.1/b.png", False),
        ("https://img.example.com/a.png", "http://img.example.com/b.png", False),
    ],
)
def test_a_redirect_keeps_scheme_host_and_port(
    original: str, location: str, followed: bool
) -> None:
    # _core._origin: the default port of each scheme equals no port; any other port,
    # given on either side, is another origin.
    from mjprompt.client._core import redirect_target
    from mjprompt.client.errors import DownloadError

    if followed:
        assert redirect_target(original, original, location).endswith("/b.png")
    else:
        with pytest.raises(DownloadError, match="redirected to another host"):
            redirect_target(original, original, location)


# --- reading the API's answers ----------------------------------------------------------


def test_result_data_is_read_only_when_results_is_empty() -> None:
    # task._results: `result_data` (a vendor shape) is the fallback, never an addition.
    from mjprompt.client.task import Task

    one, two = "https://img.example.com/1.png", "https://img.example.com/2.png"
    fallback = {"id": "t", "status": "completed", "result_data": [{"image_url": one}]}
    assert Task.from_json(fallback).results == (one,)
    both = {**fallback, "results": [two]}
    assert Task.from_json(both).results == (two,)


def test_refused_links_are_shown_without_their_query() -> None:
    # _core.check_results / redirect_target: a result link's query holds its signature;
    # a refusal shows the link without it (and says which scheme was missing).
    from mjprompt.client._core import check_results, redirect_target, result_url_problem
    from mjprompt.client.errors import DownloadError
    from mjprompt.client.task import Task

    base = "https://api.evolink.ai"
    assert result_url_problem("//img.example.com/x.png", base) == "not an https link (no scheme)"
    task = Task.from_json(
        {"id": "t1", "status": "completed", "results": ["https://10.0.0.1/x.png?sig=SECRET"]}
    )
    with pytest.raises(DownloadError) as refused:
        check_results(task, base)
    assert "'https://10.0.0.1/x.png'" in str(refused.value)
    assert "SECRET" not in str(refused.value)
    with pytest.raises(DownloadError) as moved:
        redirect_target(
            "https://img.example.com/a.png",
            "https://img.example.com/a.png",
            "https://evil.example.com/b.png?sig=SECRET",
        )
    assert "(https://evil.example.com/b.png)" in str(moved.value)
    assert "SECRET" not in str(moved.value)


def test_error_answers_keep_what_the_server_said() -> None:
    # _core.error_for passes the HTTP reason on (the message of a body that is not
    # JSON); errors.api_error_from_response keeps `param`; task errors their suggestion.
    from mjprompt.client._core import error_for
    from mjprompt.client.errors import api_error_from_response
    from mjprompt.client.task import TaskErrorInfo

    assert str(error_for(502, b"<html>", {}, "Bad Gateway", 0.0)) == "HTTP 502: Bad Gateway"
    body = {"error": {"code": "invalid_request", "message": "bad", "param": "prompt"}}
    assert api_error_from_response(400, body).param == "prompt"
    info = TaskErrorInfo.from_json({"code": "content_policy", "suggestion": "rephrase"})
    assert info is not None and info.suggestion == "rephrase"


def test_the_key_holder_and_the_clients_say_what_they_are() -> None:
    import pickle

    from mjprompt.client import AsyncClient, Client
    from mjprompt.client._core import Secret

    with pytest.raises(TypeError, match=r"^the API key cannot be pickled$"):
        pickle.dumps(Secret("sk-0123456789abcdef"))
    key = "sk-0123456789abcdef"
    assert repr(AsyncClient(key)) == "AsyncClient(base_url='https://api.evolink.ai', api_key=***)"
    with Client(key) as client:
        assert repr(client) == "Client(base_url='https://api.evolink.ai', api_key=***)"


_LOGS_IN_A_FRESH_PROCESS = """
import logging, sys
from mjprompt.client import Client
logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format="%(name)s %(message)s")
with Client("sk-fresh-0123456789abcdef"):
    for name in ("httpx", "httpcore.connection", "httpcore.http11"):
        logging.getLogger(name).debug("echo sk-fresh-0123456789abcdef")
"""


def test_a_new_process_scrubs_the_key_from_the_http_loggers() -> None:
    # _core._guard_logs: the first client of a process puts the scrub filter on the
    # loggers that quote requests (a test process already has it from earlier tests).
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _LOGS_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "EVOLINK_API_KEY": ""},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [
        "httpx",
        "httpcore.connection",
        "httpcore.http11",
    ]
    assert "sk-fresh" not in done.stdout
    assert all(line.endswith("echo ***") for line in lines)


def test_can_cancel_is_read_from_task_info() -> None:
    from mjprompt.client.task import Task

    task = Task.from_json({"id": "t", "status": "pending", "task_info": {"can_cancel": True}})
    assert task.can_cancel is True


# --- downloads and waits: what the user is told ------------------------------------------


def _done(kit: Any, url: str) -> Any:
    from mjprompt.client.task import Task

    return Task.from_json(kit.task_json("completed", 100, results=[url]))


def test_an_expired_link_says_how_long_links_live(
    driver: Any, api: Any, kit: Any, tmp_path: Any
) -> None:
    # _download_failure: the advice is part of the message.
    from mjprompt.client import DownloadError

    api.on("GET", "/r/0", httpx.Response(410, text="gone"))
    with pytest.raises(DownloadError) as info:
        driver("download", _done(kit, "https://cdn.example/r/0"), tmp_path)
    assert str(info.value).endswith(
        "answered 410: the link has expired or the image is gone "
        "(result links are valid for 24 hours)"
    )


def test_a_refused_download_connection_names_the_link(
    driver: Any, api: Any, kit: Any, tmp_path: Any
) -> None:
    # _download_one: a transport error says which link it was on.
    from mjprompt.client import DownloadError, EvolinkError

    api.on("GET", "/r/0", httpx.ConnectError("connection refused"))
    with pytest.raises((DownloadError, EvolinkError)) as info:
        driver("download", _done(kit, "https://cdn.example/r/0?sig=SECRET"), tmp_path)
    assert "cannot connect to https://cdn.example/r/0 (ConnectError" in str(info.value)
    assert "SECRET" not in str(info.value)


def test_a_failed_query_is_logged_with_its_error(
    driver: Any, api: Any, kit: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # WaitState.after_error: the log line names the task and the error.
    import logging

    path = f"/v1/tasks/{kit.TASK_ID}"
    api.on("GET", path, kit.error(503, "service_unavailable"), kit.ok(kit.task_json("completed")))
    with caplog.at_level(logging.INFO, logger="mjprompt"):
        driver("wait", kit.TASK_ID)
    lines = [r.getMessage() for r in caplog.records if "will retry" in r.getMessage()]
    assert lines and lines[0].startswith(f"query of {kit.TASK_ID} failed, will retry: ")
    assert "None" not in lines[0] and len(lines[0]) > len(
        f"query of {kit.TASK_ID} failed, will retry: "
    )
