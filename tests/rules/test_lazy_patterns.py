"""The rules' module-level patterns are compiled on first use, and then act as compiled."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from mjprompt._lazy_re import lazy_pattern


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    lazy = lazy_pattern(r"(?<!\S)<?https?://[^\s>]+>?", re.IGNORECASE)
    compiled = re.compile(r"(?<!\S)<?https?://[^\s>]+>?", re.IGNORECASE)
    text = "a cat HTTPS://x.org/a.png <http://y.org> nohttp://z"
    assert "search" not in vars(lazy)  # nothing compiled yet
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.sub("", text) == compiled.sub("", text)
    assert (lazy.pattern, lazy.flags, lazy.groups) == (compiled.pattern, compiled.flags, 0)
    assert "search" in vars(lazy)  # compiled once, kept on the object


def test_a_lazy_pattern_fails_as_the_compiled_one() -> None:
    bad = lazy_pattern("(")
    with pytest.raises(re.error, match="missing \\)"):
        bad.search("x")
    assert not hasattr(lazy_pattern("x"), "no_such_method")


_PROBE = """
import gc, sys
import mjprompt
from mjprompt._lazy_re import _LazyPattern
for text in sys.argv[1:]:
    mjprompt.lint(text)
    mjprompt.lint(text, profile="midjourney")
patterns = [o for o in gc.get_objects() if isinstance(o, _LazyPattern)]
print(len(patterns), sum("search" in vars(p) for p in patterns))
"""


def _patterns_after(*texts: str) -> tuple[int, int]:
    # In a fresh interpreter: this one's other tests have compiled them all by now.
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *texts], capture_output=True, text=True, check=True
    )
    defined, compiled = done.stdout.split()
    return int(defined), int(compiled)


def test_linting_a_plain_prompt_compiles_no_rule_pattern() -> None:
    # The cold start of `check -p` (issue 17): the rules' patterns wait for a prompt
    # that needs them.
    defined, compiled = _patterns_after("a cat --ar 16:9")
    assert defined >= 15
    assert compiled == 0
    _, compiled = _patterns_after("a cat. --style raw, --sref mystyle https://x.org/p.html")
    assert compiled > 0
