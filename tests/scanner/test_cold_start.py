"""Cold start: a one-prompt check loads Lark only when the scanner declines the prompt,
and never the HTTP client."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from mjprompt.cli import main
try:
    main(["check", "--isolated", "-q", "-p", sys.argv[1]])
except SystemExit:
    pass
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"lark", "httpx", "httpcore"})
print("LOADED=" + ",".join(loaded + sorted(m for m in sys.modules if m == "mjprompt.client")))
"""


def _loaded(prompt: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, prompt], capture_output=True, text=True, check=True
    )
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("LOADED=")][-1]
    return {m for m in line.removeprefix("LOADED=").split(",") if m}


def test_plain_prompt_check_imports_neither_lark_nor_the_client() -> None:
    assert _loaded("a lighthouse at dusk --ar 16:9 --stylize 250") == set()


def test_a_permutation_prompt_imports_neither() -> None:
    assert _loaded("a {red, blue} bird --ar {1:1, 2:3}") == set()


def test_a_prompt_the_scanner_declines_loads_lark_only() -> None:
    # An unclosed `{`: Lark's error handler closes it (the scanner does not recover).
    assert _loaded("a {red, blue bird --ar 16:9") == {"lark"}


def test_import_mjprompt_and_lint_stay_lark_free() -> None:
    code = (
        "import sys, mjprompt; mjprompt.lint('a cat --ar 16:9'); mjprompt.parse('x --v 7');"
        "print('lark' in sys.modules, 'httpx' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
