"""mjprompt: parse, lint, fix and send Midjourney V7 prompts (evolink.ai ``mj-v7``).

``import mjprompt`` loads the parser and the rules only; the HTTP client (and httpx) is
imported on first use of ``mjprompt.Client`` / ``mjprompt.AsyncClient``.
"""

from __future__ import annotations

from typing import Any

from .ast import Parameter, Prompt
from .diagnostics import Diagnostic, Edit, Fix, Severity, Span
from .lint import FixResult, fix, lint, lint_many
from .parsing import PromptSyntaxError, parse
from .render import render

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "Edit",
    "Fix",
    "FixResult",
    "Parameter",
    "Prompt",
    "PromptSyntaxError",
    "Severity",
    "Span",
    "__version__",
    "fix",
    "lint",
    "lint_many",
    "parse",
    "render",
]

# `mjprompt.expand` is the expansion module (its function is `mjprompt.expand.expand`).
# Names resolved on first access so that `import mjprompt` stays light (no httpx).
_LAZY = {
    "build_payload": ("mjprompt.payload", "build_payload"),
    "PayloadError": ("mjprompt.payload", "PayloadError"),
    "Client": ("mjprompt.client", "Client"),
    "AsyncClient": ("mjprompt.client", "AsyncClient"),
    "Task": ("mjprompt.client", "Task"),
    "EvolinkError": ("mjprompt.client", "EvolinkError"),
    "TaskError": ("mjprompt.client", "TaskError"),
    "count_expansions": ("mjprompt.expand", "count_expansions"),
    "ExpansionError": ("mjprompt.expand", "ExpansionError"),
}


def __dir__() -> list[str]:
    # The public API only: not the submodules imported along the way, nor `Any`
    # (`expand` is public: the expansion module).
    return sorted({*__all__, *_LAZY, "expand"})


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'mjprompt' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value
