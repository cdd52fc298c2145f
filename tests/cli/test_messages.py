"""Messages that tell the user what to do: the missing key, Ctrl-C during generate,
--retry-failed, the label of a -p prompt, format -p; and the demo."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from mjprompt.sandbox import Sandbox, SandboxConfig

from .conftest import clean_env, console_script


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(task_duration=1.0)) as sb:
        yield sb


def _no_key_env() -> dict[str, str]:
    return {k: v for k, v in clean_env().items() if not k.startswith("EVOLINK_")}


def test_the_missing_key_error_says_how_to_set_one_or_try_without(cli, tmp_path):
    run = cli("status", "task-unified-1-abc", env=_no_key_env())
    assert run.code == 2
    assert "export EVOLINK_API_KEY=" in run.err
    assert "`mjprompt demo`" in run.err and "`mjprompt sandbox`" in run.err
    assert "api_key=" not in run.err  # the library's wording, not the CLI's


def test_ctrl_c_during_generate_says_how_to_resume(sandbox, tmp_path):
    command = console_script()
    out = tmp_path / "out"
    child = pexpect.spawn(
        command[0],
        [*command[1:], "generate", "a cat sandbox-never", "--out", str(out)],
        env=clean_env(
            EVOLINK_API_KEY=sandbox.api_key, EVOLINK_BASE_URL=sandbox.base_url, TERM="dumb"
        ),
        encoding="utf-8",
        timeout=60,
    )
    child.expect(r"created (task-[\w-]+)")
    task_id = child.match.group(1)
    child.sendintr()
    rest = child.read()
    child.close()
    assert child.exitstatus == 130, rest
    assert f"`mjprompt wait {task_id} --out {out}`" in rest
    assert "do not generate again" in rest


def test_retry_failed_says_it_buys_a_new_task(cli_fast):
    run = cli_fast("generate", "--help")
    text = " ".join(run.out.split())
    assert re.search(r"--retry-failed with --file: submit a NEW task \(paid again\)", text), text


def test_one_label_for_a_prompt_given_on_the_command_line(cli_fast):
    check = cli_fast("check", "-p", "a cat –ar 2:3")
    payload = cli_fast("payload", "a cat –ar 2:3")
    assert check.out.startswith("<prompt>:1:7: MJ101 error ")
    assert payload.err.startswith("<prompt>:1:7: MJ101 error ")


def test_format_of_a_prompt_counts_prompts_not_files(cli_fast):
    run = cli_fast("format", "-p", "a  cat  --ar 1:1")
    assert run.out == "a cat --ar 1:1\n"
    assert run.err == "1 prompt reformatted.\n"


def test_demo_lints_fixes_then_generates_placeholders(cli, tmp_path):
    out = tmp_path / "demo"
    run = cli("demo", "--out", str(out), "--duration", "0.2")
    assert run.code == 0, run.err
    err = run.err
    found = err.index("MJ101 error `–ar` is written with an en dash")
    fixed = err.index("`mjprompt fix` rewrites it:\n   a lighthouse on a cliff at dusk")
    generating = err.index("generating it with the offline sandbox")
    assert found < fixed < generating
    assert "placeholder images" in err and "not by Midjourney" in err
    images = sorted(p for p in out.iterdir() if p.suffix == ".png")
    assert len(images) == 4
    assert run.out.split() == [str(p) for p in images]
    assert (out / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"
    assert "mjprompt-demo/" in (Path(__file__).parents[2] / ".gitignore").read_text("utf-8")
