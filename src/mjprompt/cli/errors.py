"""The error every command raises for bad usage: exit code 2, a message, no traceback."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """A bad command line, configuration or argument; the message says what and where."""
