"""An offline emulator of the evolink.ai ``mj-v7`` API, for tests and demos.

(Full documentation of every knob: docs/sandbox.md.)
"""

from __future__ import annotations

from .config import DEFAULT_API_KEY, SandboxConfig
from .faults import Fault, FaultKind, parse_fault_spec
from .recording import CallbackAttempt, RecordedRequest
from .server import Sandbox

__all__ = [
    "DEFAULT_API_KEY",
    "CallbackAttempt",
    "Fault",
    "FaultKind",
    "RecordedRequest",
    "Sandbox",
    "SandboxConfig",
    "parse_fault_spec",
]
