"""Fault injection against the sandbox: one matrix, every fault through the library
client and through ``mjprompt generate --file … --out …``.

For each fault the test checks the promise of docs/reliability.md:

- the outcome: retried and saved; or a clear error, and the documented way to resume
  (resend with the same Idempotency-Key; rerun the command, ``--resubmit-unknown`` when
  the POST's fate is unknown) ends with the images saved;
- no duplicate generation: the sandbox never creates a second task for the prompt, and
  every POST of it carries one Idempotency-Key;
- nothing partial looks complete: no ``.part`` file is left, every ``.png`` is a whole
  PNG (every chunk's CRC checked, ``IEND`` last), the sidecar names files that exist;
- the journal (CLI) is intact: every line a known event, the replay skips nothing, and
  its last event says where the job stands.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from mjprompt.client import (
    Client,
    DownloadError,
    EvolinkError,
    Polling,
    Retrying,
    WaitTimeoutError,
)
from mjprompt.client.journal import EVENTS, JOURNAL_NAME, Journal
from mjprompt.sandbox import Sandbox, SandboxConfig

GEN = "/v1/images/generations"
TASKS = "/v1/tasks/"
FILES = "/files/"
PROMPT = "a red apple on a table --ar 3:2 --seed 7"
NEVER = "a red apple that sandbox-never finishes"
SAVED, UNKNOWN, TIMEOUT, DOWNLOAD = "saved", "unknown", "timeout", "download failed"


@attrs.frozen
class Case:
    """One row: faults to inject, and what the first run must give.

    ``outcome``: ``saved``; ``unknown`` (the POST's answer was lost or refused in a way
    that may hide a created task: not resent, resumed by resending with the same key);
    ``timeout`` (the task never ends: resumed by waiting again, never by a new POST);
    ``download failed`` (resumed by downloading again, without a new POST).
    ``posts`` and ``tasks``: the POSTs received and the tasks created by the first run.
    """

    faults: tuple[dict[str, Any], ...]
    outcome: str
    posts: int
    tasks: int
    prompt: str = PROMPT


def post(kind: str, **options: Any) -> dict[str, Any]:
    return {"kind": kind, "path": GEN, "method": "POST", **options}


def query(kind: str, **options: Any) -> dict[str, Any]:
    return {"kind": kind, "path": TASKS, "method": "GET", **options}


MATRIX: dict[str, Case] = {
    # Refusals that prove the server did not take the request: retried, one task.
    "429 with Retry-After on the POST": Case((post("rate_limit", retry_after=0.3),), SAVED, 2, 1),
    "429 without Retry-After on the POST": Case((post("rate_limit"),), SAVED, 2, 1),
    "503 on the POST": Case((post("unavailable", retry_after=0.1),), SAVED, 2, 1),
    # The server may have taken it: never resent by itself; the same key resumes it.
    "500 on the POST": Case((post("server_error"),), UNKNOWN, 1, 0),
    "502 on the POST": Case((post("bad_gateway"),), UNKNOWN, 1, 0),
    "HTML error page on the POST": Case((post("html"),), UNKNOWN, 1, 0),
    "connection dropped before the POST was read": Case((post("drop_before"),), UNKNOWN, 1, 0),
    "connection dropped after the POST was read": Case((post("drop_after"),), UNKNOWN, 1, 1),
    "malformed JSON answer to the POST": Case((post("malformed_json"),), UNKNOWN, 1, 1),
    "stalled POST": Case((post("stall", delay=0.8),), UNKNOWN, 1, 1),
    "slow POST": Case((post("slow", delay=0.3),), SAVED, 1, 1),
    # Task queries are safe to repeat: every fault is retried.
    "429 on a query": Case((query("rate_limit", retry_after=0.1),), SAVED, 1, 1),
    "500 on a query": Case((query("server_error", count=2),), SAVED, 1, 1),
    "502 on a query": Case((query("bad_gateway"),), SAVED, 1, 1),
    "503 on a query": Case((query("unavailable"),), SAVED, 1, 1),
    "HTML error page on a query": Case((query("html"),), SAVED, 1, 1),
    "connection dropped before a query was read": Case((query("drop_before"),), SAVED, 1, 1),
    "connection dropped after a query was read": Case((query("drop_after"),), SAVED, 1, 1),
    "malformed JSON answer to a query": Case((query("malformed_json"),), SAVED, 1, 1),
    "stalled query": Case((query("stall", delay=0.8),), SAVED, 1, 1),
    "slow query": Case((query("slow", delay=0.3),), SAVED, 1, 1),
    # The task and the downloads.
    "a task that never finishes": Case((), TIMEOUT, 1, 1, prompt=NEVER),
    "an image download cut half-way": Case(
        ({"kind": "truncate", "path": FILES, "count": 1},), SAVED, 1, 1
    ),
    "every image download cut half-way": Case(
        ({"kind": "truncate", "path": FILES, "count": None},), DOWNLOAD, 1, 1
    ),
}


# ----------------------------------------------------------------------- checks


def _png_is_complete(path: Path) -> bool:
    """Signature, every chunk's CRC, and IEND as the last chunk."""
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return False
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length] or b"\0\0\0\0")
        if len(body) != length or zlib.crc32(kind + body) != crc:
            return False
        pos += 12 + length
        if kind == b"IEND":
            return pos == len(data)
    return False


def check_folder(out: Path, *, saved: bool) -> None:
    """Nothing partial looks complete: no .part file, whole PNGs, a truthful sidecar."""
    if not out.exists():
        assert not saved
        return
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.endswith(".part")], names
    images = sorted(out.glob("task-unified-*.png"))
    assert all(_png_is_complete(p) for p in images), names
    sidecars = sorted(out.glob("task-unified-*.json"))
    if not saved:
        assert images == []
        assert sidecars == []
        return
    assert len(images) == 4
    (sidecar,) = sidecars
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    assert sorted(data["images"]) == [p.name for p in images]
    assert data["task"]["status"] == "completed"


def check_journal(out: Path, expected_last: str) -> None:
    """Every line is a known event; the replay skips nothing; the job's last event."""
    lines = (out / JOURNAL_NAME).read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert all(e["event"] in EVENTS for e in events)
    assert len({e["key"] for e in events}) == 1
    with Journal.open(out) as journal:
        assert journal.skipped_lines == 0
        (state,) = journal
    assert state.status == expected_last, [e["event"] for e in events]


def check_no_duplicate(sb: Sandbox) -> None:
    posts = sb.requests.matching("POST", GEN)
    assert len({p.header("idempotency-key") for p in posts}) == 1
    assert len(sb.tasks()) == 1


# ----------------------------------------------------------------------- runners


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    config = SandboxConfig(task_duration=0.2, stall_timeout=5.0, image_long_side=32)
    with Sandbox(config) as sb:
        yield sb


def _inject(sb: Sandbox, faults: tuple[dict[str, Any], ...]) -> None:
    for fault in faults:
        options = dict(fault)
        sb.inject(options.pop("kind"), **options)


def _library_client(sb: Sandbox) -> Client:
    return Client(
        sb.api_key,
        base_url=sb.base_url,
        timeout=0.5,  # a stalled answer is given up after half a second
        retrying=Retrying(attempts=4, base=0.05, cap=0.2),
        polling=Polling(minimum=0.05, maximum=0.2, first_default=0.05, first_fraction=0.1),
    )


def _library_run(sb: Sandbox, out: Path, prompt: str, key: str) -> tuple[str, str | None, str]:
    """submit, wait, download: the outcome, the task id (None if unknown), the error."""
    with _library_client(sb) as client:
        try:
            task = client.submit(prompt, idempotency_key=key)
        except EvolinkError as exc:
            return UNKNOWN, None, str(exc)
        try:
            done = client.wait(task, timeout=0.6 if prompt == NEVER else 5.0)
        except WaitTimeoutError as exc:
            return TIMEOUT, task.id, str(exc)
        try:
            client.download(done, out, prompt=prompt)
        except DownloadError as exc:
            return DOWNLOAD, task.id, str(exc)
        return SAVED, task.id, ""


def _library_resume(sb: Sandbox, out: Path, case: Case, first: tuple[str, str | None, str]) -> None:
    outcome, task_id, _ = first
    key = sb.requests.matching("POST", GEN)[0].header("idempotency-key")
    assert key is not None
    if outcome == UNKNOWN:  # resend with the same key: the API replays or creates once
        assert _library_run(sb, out, case.prompt, key)[0] == SAVED
    elif outcome == TIMEOUT:  # wait again for the same task; never a second POST
        with _library_client(sb) as client, pytest.raises(WaitTimeoutError):
            client.wait(task_id or "", timeout=0.2)
    elif outcome == DOWNLOAD:
        sb.clear_faults()
        with _library_client(sb) as client:
            assert len(client.download(task_id or "", out, prompt=case.prompt)) == 4


def _cli_run(
    args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> tuple[int, str, str]:
    """``mjprompt.cli.main`` in this process (the sandbox's thread serves it)."""
    from mjprompt.cli import main

    for name in list(os.environ):
        if name.startswith(("EVOLINK_", "MJPROMPT_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _cli_case(
    sb: Sandbox, tmp_path: Path, case: Case, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(f"# one prompt\n{case.prompt}\n", encoding="utf-8")
    out = tmp_path / "out"
    env = {"EVOLINK_API_KEY": sb.api_key, "EVOLINK_BASE_URL": sb.base_url}
    wait = "0.5" if case.outcome == TIMEOUT else "20"
    args = ["generate", "--file", str(prompts), "--out", str(out), "--timeout", wait]
    code, stdout, stderr = _cli_run(args, env, monkeypatch, capsys)
    label = f"{prompts}:2"
    expected_last = {SAVED: "saved", UNKNOWN: "unknown", TIMEOUT: "created"}
    if case.outcome == SAVED:
        assert code == 0, stderr
        assert len(stdout.split()) == 4
    else:
        assert code == 1
        assert f"{label}: " in stderr  # the message names the prompt's file and line
    assert len(sb.requests.matching("POST", GEN)) == case.posts
    assert len(sb.tasks()) == case.tasks
    check_folder(out, saved=case.outcome == SAVED)
    check_journal(out, expected_last.get(case.outcome, "created"))
    if case.outcome == SAVED:
        return
    posts = len(sb.requests.matching("POST", GEN))
    if case.outcome == UNKNOWN:
        assert "the task may have been created" in stderr
        assert "--resubmit-unknown" in stderr
        code, _, stderr = _cli_run(args, env, monkeypatch, capsys)
        assert code == 1
        assert "--resubmit-unknown" in stderr
        assert len(sb.requests.matching("POST", GEN)) == posts  # not resent by itself
        code, _, stderr = _cli_run([*args, "--resubmit-unknown"], env, monkeypatch, capsys)
        assert code == 0, stderr
    elif case.outcome == TIMEOUT:
        assert "run again to resume" in stderr
        code, _, stderr = _cli_run(args, env, monkeypatch, capsys)
        assert code == 1
        assert "resuming" in stderr
        assert len(sb.requests.matching("POST", GEN)) == posts
        check_journal(out, "created")
        return
    elif case.outcome == DOWNLOAD:
        sb.clear_faults()
        code, _, stderr = _cli_run(args, env, monkeypatch, capsys)
        assert code == 0, stderr
        assert "resuming" in stderr
        assert len(sb.requests.matching("POST", GEN)) == posts
    check_folder(out, saved=True)
    check_journal(out, "saved")
    check_no_duplicate(sb)


@pytest.mark.parametrize("via", ["library", "cli"])
@pytest.mark.parametrize("name", list(MATRIX))
def test_fault_matrix(
    name: str,
    via: str,
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = MATRIX[name]
    _inject(sandbox, case.faults)
    if via == "cli":
        _cli_case(sandbox, tmp_path, case, monkeypatch, capsys)
        return
    out = tmp_path / "out"
    first = _library_run(sandbox, out, case.prompt, "mjp-reliability-" + "0" * 16)
    outcome, task_id, message = first
    assert outcome == case.outcome, message
    # A clear message: says what happened, names the task when there is one.
    expected_words = {SAVED: "", UNKNOWN: "", TIMEOUT: str(task_id), DOWNLOAD: "cannot download"}
    assert expected_words[outcome] in message
    assert (message == "") == (outcome == SAVED)
    assert len(sandbox.requests.matching("POST", GEN)) == case.posts
    assert len(sandbox.tasks()) == case.tasks
    check_folder(out, saved=case.outcome == SAVED)
    posts = sandbox.requests.matching("POST", GEN)
    if name.startswith("429 with Retry-After"):
        assert posts[1].at - posts[0].at >= 0.3  # the advice was followed
    if case.outcome != SAVED:
        _library_resume(sandbox, out, case, first)
        if case.outcome != TIMEOUT:
            check_folder(out, saved=True)
    check_no_duplicate(sandbox)


def test_the_matrix_covers_every_fault_kind() -> None:
    from mjprompt.sandbox import FaultKind

    used = {f["kind"] for case in MATRIX.values() for f in case.faults}
    # 402 and 403 are plain refusals (tests/client); the rest are all here.
    assert used >= {k.value for k in FaultKind} - {"quota", "forbidden"}
