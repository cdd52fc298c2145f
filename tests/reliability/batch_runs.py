"""One run of the batch runner (what ``generate --file`` uses) against the hostile
gateway, as a new process would make it: a new client, the journal of ``out`` reopened.

Loaded by conftest.py under the fixed name ``mjprompt_tests_batch_runs`` (the tests are
not a package under --import-mode=importlib), for test_double_spend.py and
test_mutation_guards_batch.py. The client retries once at once and polls without
waiting (``nosleep``), so a run takes as long as its requests.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from mjprompt.client import AsyncClient, Polling, Retrying
from mjprompt.client.batch import JobResult, plan_jobs, run_batch
from mjprompt.client.journal import Journal

KEY = "sk-hostile-0123456789abcdef"
PROMPT = "a lighthouse in a storm --ar 3:2"


async def nosleep(seconds: float) -> None:
    await asyncio.sleep(0)


def client_options(**overrides: Any) -> dict[str, Any]:
    """The client's settings for a run: one retry and polls without waits, unless
    ``overrides`` say otherwise (``retrying=None``: the client's own default)."""
    options: dict[str, Any] = {
        "timeout": 5.0,
        "retrying": Retrying(attempts=2, base=0.0, cap=0.0),
        "polling": Polling(minimum=0.0, floor=0.0, first_default=0.0),
        "sleep": nosleep,
    }
    options.update(overrides)
    return options


def run_once(
    gateway: Any,
    out: Path,
    prompts: list[str] | None = None,
    *,
    timeout: float = 10.0,
    client: dict[str, Any] | None = None,
    key: str = KEY,
    **flags: Any,
) -> list[JobResult]:
    """One run over ``out``'s journal: ``prompts`` (default: ``PROMPT``) labelled
    ``p:1``, ``p:2``...; ``timeout`` is the run's; ``client`` the settings of
    ``client_options``; ``flags`` go to ``run_batch`` (``retry_failed``, ``on_event``...).
    ``gateway`` is the hostile gateway (its ``url``) or a sandbox (its ``base_url``)."""
    url = gateway.base_url if hasattr(gateway, "base_url") else gateway.url
    jobs, refused = plan_jobs([(f"p:{i + 1}", p) for i, p in enumerate(prompts or [PROMPT])])
    assert not refused

    async def go() -> list[JobResult]:
        async with AsyncClient(key, base_url=url, **(client or client_options())) as c:
            with Journal.open(out) as journal:
                return await run_batch(c, jobs, journal, out, timeout=timeout, **flags)

    return asyncio.run(go())
