"""The journal and callback bodies against hostile files and bodies (issue 12 items 9
and 11): typed errors naming the file and line, never ``RecursionError``,
``MemoryError``, a hang or "this is a bug"; one bad journal line is skipped with a
warning and never costs a task id.

Each test fails on the code before the fix: a deep line raised RecursionError out of
``Journal.open``, a FIFO hung the run, ``/dev/zero`` ended in MemoryError, a disk-full
write was reported as an internal error, and a deep callback body raised RecursionError.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from mjprompt.callbacks import CallbackError
from mjprompt.client import parse_callback_body
from mjprompt.client.batch import plan_jobs
from mjprompt.client.journal import JOURNAL_NAME, Journal, JournalError

KEY = "sk-hostile-0123456789abcdef"
PROMPT = "a lighthouse in a storm --ar 3:2"


def _job_key() -> str:
    jobs, _ = plan_jobs([("p:1", PROMPT)])
    return jobs[0].key


# ------------------------------------------------------------------ bad lines (item 9)


def test_deep_and_huge_lines_are_skipped_with_a_warning(tmp_path: Path) -> None:
    key = _job_key()
    good = {"event": "created", "key": key, "task_id": "task-unified-1-kept"}
    lines = [
        b"[" * 200_000,
        b'{"event": "created", "key": "k", "n": ' + b"9" * 5000 + b"}",
        b"\xff\xfe not utf-8",
        json.dumps(good).encode(),
    ]
    (tmp_path / JOURNAL_NAME).write_bytes(b"\n".join(lines) + b"\n")
    with Journal.open(tmp_path) as journal:
        assert journal.skipped_lines == 3
        assert journal.state(key) is not None
        assert journal.state(key).task_id == "task-unified-1-kept"  # type: ignore[union-attr]
    where = str(tmp_path / JOURNAL_NAME)
    assert [w.split(": ")[0] for w in journal.warnings] == [
        f"{where}:1",
        f"{where}:2",
        f"{where}:3",
    ]
    assert "nested too deeply" in journal.warnings[0]


def test_a_damaged_line_never_loses_its_task_id(tmp_path: Path) -> None:
    # A `created` line whose end was damaged still names the task: it is kept, so the
    # rerun waits for that task instead of buying another.
    key = _job_key()
    damaged = f'{{"event":"created","key":"{key}","task_id":"task-unified-9-x","time":"20'
    submitting = {"event": "submitting", "key": key, "idempotency_key": "mjp-" + "a" * 32}
    text = json.dumps(submitting) + "\n" + damaged + "\x00\x00garbage\n"
    (tmp_path / JOURNAL_NAME).write_text(text, encoding="utf-8")
    with Journal.open(tmp_path) as journal:
        state = journal.state(key)
    assert state is not None
    assert (state.status, state.task_id) == ("created", "task-unified-9-x")
    assert "kept its task id task-unified-9-x" in journal.warnings[0]


def test_the_cli_warns_about_a_bad_line_and_goes_on(gateway: Any, tmp_path: Path, cli: Any) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(PROMPT + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / JOURNAL_NAME).write_bytes(b"[" * 100_000 + b"\n")
    env = {**os.environ, "EVOLINK_API_KEY": KEY, "EVOLINK_BASE_URL": gateway.url}
    run = cli("generate", "--file", str(prompts), "--out", str(out), env=env)
    assert run.returncode == 0, run.stderr
    assert f"{out / JOURNAL_NAME}:1: line skipped" in run.stderr
    assert gateway.tasks_created == 1


# --------------------------------------------------------------- journal I/O (item 11)


def _generate(tmp_path: Path, gateway: Any, cli: Any, out: Path) -> Any:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(PROMPT + "\n", encoding="utf-8")
    env = {**os.environ, "EVOLINK_API_KEY": KEY, "EVOLINK_BASE_URL": gateway.url}
    return cli("generate", "--file", str(prompts), "--out", str(out), env=env, timeout=30)


def test_a_fifo_in_place_of_the_journal(gateway: Any, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / JOURNAL_NAME)
    run = _generate(tmp_path, gateway, cli, out)
    assert run.returncode == 2
    assert f"{out / JOURNAL_NAME} is not a regular file" in run.stderr
    assert gateway.posts == []


def test_dev_zero_in_place_of_the_journal(gateway: Any, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / JOURNAL_NAME).symlink_to("/dev/zero")
    run = _generate(tmp_path, gateway, cli, out)
    assert run.returncode == 2
    assert "not a regular file" in run.stderr
    assert "MemoryError" not in run.stderr
    assert run.peak_rss_mb < 200


def test_an_out_path_that_is_a_file(gateway: Any, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    out.write_text("not a directory", encoding="utf-8")
    run = _generate(tmp_path, gateway, cli, out)
    assert run.returncode == 2
    assert str(out) in run.stderr and "cannot open" in run.stderr


def test_disk_full_while_journaling(
    gateway: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from mjprompt.cli import main
    from mjprompt.client import journal as journal_module

    calls = {"n": 0}
    real_fsync = os.fsync

    def full(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] >= 2:  # `submitting` is written; `created` meets a full disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(journal_module.os, "fsync", full)
    monkeypatch.setenv("EVOLINK_API_KEY", KEY)
    monkeypatch.setenv("EVOLINK_BASE_URL", gateway.url)
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(PROMPT + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["generate", "--file", str(prompts), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot write {out / JOURNAL_NAME}: No space left on device" in err
    assert "bug" not in err and "Traceback" not in err


def test_journal_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / JOURNAL_NAME).mkdir()
    with pytest.raises(JournalError, match=str(tmp_path / JOURNAL_NAME)):
        Journal.open(tmp_path)


# ------------------------------------------------------------ callback bodies (item 9)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000,
        b'{"id": "task-unified-1-x", "progress": ' + b"9" * 5000 + b"}",
        b'{"id": "task-unified-1-x", "x": "' + b"a" * (2 * 1024 * 1024) + b'"}',
    ],
    ids=["deep", "5000-digit number", "2 MiB"],
)
def test_hostile_callback_bodies_are_callback_errors(body: bytes) -> None:
    with pytest.raises(CallbackError):
        parse_callback_body(body)
    with pytest.raises(CallbackError):
        parse_callback_body(body.decode())
