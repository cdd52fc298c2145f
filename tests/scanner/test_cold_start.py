"""Cold start: a one-prompt check loads Lark only when the scanner declines the prompt,
never the HTTP client, and none of the modules its import diet took off its path."""

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


# What `check -p` on a plain prompt must not import (issue 17, cold start): each was on
# the path once and cost milliseconds of every start. A regression test by module set,
# not by time (bench/import_table.py gives the times).
OFF_THE_PATH = {
    # attrs builds its classes at import, and imports inspect and platform itself; the
    # models are mjprompt._record / mjprompt._immutable classes.
    "attr": "attrs classes",
    "attrs": "attrs classes",
    "inspect": "Rule.doc only (rules, explain, the catalog)",
    "platform": "attrs' import",
    # rules.parameters: suggestions for unknown names, decimal aspect ratios.
    "difflib": "did_you_mean, on the first unknown parameter name",
    "fractions": "nearest_ratio, on the first decimal aspect ratio",
    "decimal": "fractions' import",
    # argparse sizes a formatter on every add_argument; cli._HelpFormatter does it itself.
    "shutil": "argparse's terminal width",
    "mjprompt.payload": "the surrogate check reads mjprompt.surrogates",
    "mjprompt.callbacks": "payload's import",
    "hashlib": "payload's import",
    "concurrent.futures.process": "--jobs with a large input only",
}

UNWANTED_PROBE = """
import sys
from mjprompt.cli import main
try:
    main(["check", "--isolated", "-q", "-p", sys.argv[1]])
except SystemExit:
    pass
print("LOADED=" + ",".join(sorted(sys.modules)))
"""


def test_a_plain_prompt_check_stays_off_the_modules_the_import_diet_removed() -> None:
    done = subprocess.run(
        [sys.executable, "-c", UNWANTED_PROBE, "a lighthouse at dusk --ar 16:9 --stylize 250"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("LOADED=")][-1]
    loaded = set(line.removeprefix("LOADED=").split(","))
    assert "mjprompt.lint" in loaded  # the probe did run a check
    assert {m: OFF_THE_PATH[m] for m in sorted(loaded & OFF_THE_PATH.keys())} == {}
