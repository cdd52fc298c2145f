"""Shell completion scripts, and help text on every command and option."""

from __future__ import annotations

import argparse
import subprocess

from mjprompt.cli.completion import full_parser


def _bash_complete(script: str, words: list[str]) -> list[str]:
    program = (
        f"{script}\n"
        f"COMP_WORDS=({' '.join(words)}); COMP_CWORD={len(words) - 1}; "
        f'COMP_LINE="{" ".join(words)}"; COMP_POINT=${{#COMP_LINE}}\n'
        "_shtab_mjprompt\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return sorted(w.strip() for w in proc.stdout.split())


def test_bash_completion_completes_commands_and_options(cli):
    run = cli("completion", "bash")
    assert run.code == 0
    assert _bash_complete(run.out, ["mjprompt", "comp"]) == ["completion"]
    assert _bash_complete(run.out, ["mjprompt", "ch"]) == ["check"]
    assert _bash_complete(run.out, ["mjprompt", "check", "--extend-"]) == [
        "--extend-ignore",
        "--extend-select",
    ]
    assert "gitlab" in _bash_complete(run.out, ["mjprompt", "check", "--format", "g"])


def test_zsh_and_fish_scripts_name_every_command_and_option(cli):
    zsh = cli("completion", "zsh")
    assert zsh.code == 0
    assert zsh.out.startswith("#compdef mjprompt")
    fish = cli("completion", "fish")
    assert fish.code == 0
    lines = fish.out.splitlines()
    parser = full_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        assert any(f"-a {name} -d '" in line for line in lines), name
        for action in sub._actions:
            for option in action.option_strings:
                flag = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1]}"
                assert any(
                    f"__fish_seen_subcommand_from {name}'" in line and flag in line
                    for line in lines
                ), (name, option)
    assert (
        "-l format -l output-format -x -a 'text json json-lines sarif github gitlab junit'"
        in fish.out
    )


def test_an_unknown_shell_is_a_usage_error(cli_fast):
    assert cli_fast("completion", "powershell").code == 2


def test_every_command_and_option_has_help_text():
    parser = full_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert all(a.help for a in commands._choices_actions)
    missing = [
        (name, action.option_strings or action.dest)
        for name, sub in commands.choices.items()
        for action in sub._actions
        if not action.help
    ]
    assert missing == []
