"""``mjprompt estimate``: per-prompt and total estimates, text and JSON, input errors."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mjprompt.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(["estimate", *args])
    except SystemExit as e:  # argparse
        code = int(e.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_output_per_prompt_and_total(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(
        "a lighthouse\n# a comment\n\na dog --oref https://e.com/x.png --q 2\na cat --turbo\n",
        encoding="utf-8",
    )
    code, out, err = run([str(prompts), "-p", "a fox --draft"], capsys)
    assert code == 0, err
    assert out.splitlines()[:4] == [
        "<prompt>: ≈2.7 credits (estimate)  draft",
        f"{prompts}:1: ≈5.4 credits (estimate)  fast",
        f"{prompts}:4: ≈21.6 credits (estimate)  fast, --q 2 x2, --oref x2",
        f"{prompts}:5: ≈10.8 credits (estimate)  turbo",
    ]
    assert "total: ≈40.5 credits (estimate) for 4 prompts" in out
    assert "secondary (docs/cost.md)" in out


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prompts = tmp_path / "batch.jsonl"
    prompts.write_text('{"prompt": "a cat --q 4"}\n{"prompt": "a dog"}\n', encoding="utf-8")
    code, out, _ = run([str(prompts), "--format", "json", "--speed", "draft"], capsys)
    assert code == 0
    document: dict[str, Any] = json.loads(out)
    assert document["estimate"] is True and document["unit"] == "credits"
    assert document["count"] == 2 and document["total"] == 13.5
    assert document["status"] == "secondary"
    first, second = document["prompts"]
    assert first["where"] == f"{prompts}:1" and first["prompt"] == "a cat --q 4"
    assert (first["credits"], first["speed"], first["base"]) == (10.8, "draft", 2.7)
    assert first["factors"] == [{"label": "--q 4", "multiplier": 4.0, "status": "secondary"}]
    assert second["credits"] == 2.7 and second["estimate"] is True


def test_a_json_document_and_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prompts = tmp_path / "batch.json"
    prompts.write_text('["a {red, blue} cat", "a cat --oref https://e.com/o.png --turbo"]', "utf-8")
    code, out, _ = run([str(prompts)], capsys)
    assert code == 0
    assert "  note: a {a, b} permutation" in out
    assert "  note: --oref needs the fast speed; with turbo the task fails" in out
    assert "total: ≈27 credits (estimate) for 2 prompts" in out


def test_one_prompt_is_singular(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["-p", "a cat"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "<prompt>: ≈5.4 credits (estimate)  fast"
    assert "total: ≈5.4 credits (estimate) for 1 prompt\n" in out


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"a cat --q 2\r\na dog\r\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(["-"], capsys)
    assert code == 0
    assert "<stdin>:1: ≈10.8 credits (estimate)  fast, --q 2 x2" in out
    assert "total: ≈16.2 credits" in out


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"a cat\n\xff\xfe dog\n", "bad.txt", r"bad\.txt:2:1: error: .*UTF-8"),
        (b'{"prompt": "a cat"}\n{"prompt": \n', "bad.jsonl", r"bad\.jsonl:2:\d+: error: "),
    ],
)
def test_input_errors_estimate_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, name: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = run([str(path)], capsys)
    assert code == 2
    assert out == ""
    assert re.search(message, err), err
    assert "nothing was estimated" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give a FILE of prompts, - (stdin) or -p TEXT"),
        (["no-such-file.txt"], "no-such-file.txt: error: no such file"),
        (["--speed", "relax", "-p", "a cat"], "invalid choice: 'relax'"),
    ],
)
def test_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert message in err


def test_a_directory_and_an_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([str(tmp_path)], capsys)
    assert code == 2 and "is a directory" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("# only a comment\n", encoding="utf-8")
    code, _, err = run([str(empty)], capsys)
    assert code == 2 and "no prompts found" in err


def test_the_real_command_needs_no_key_and_no_client(tmp_path: Path) -> None:
    # No EVOLINK_API_KEY, and the HTTP client is never imported: nothing can be sent.
    code = (
        "import sys; from mjprompt.cli import main; rc = main(['estimate', '-p', 'a cat']); "
        "print('httpx' in sys.modules, rc)"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False 0"
