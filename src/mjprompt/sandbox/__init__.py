"""An offline emulator of the evolink.ai ``mj-v7`` API, for tests and demos.

Standard library only (``http.server``, ``threading``, ``zlib``); it binds 127.0.0.1
unless told otherwise and never reaches the network, except to deliver a callback to
the ``callback_url`` a client gave it. Full guide: ``docs/sandbox.md``.

Python API::

    from mjprompt.sandbox import Sandbox, SandboxConfig

    with Sandbox(SandboxConfig(task_duration=0.5)) as sb:  # a free port on 127.0.0.1
        sb.base_url            # "http://127.0.0.1:PORT"
        sb.api_key             # the accepted bearer key ("sk-sandbox")
        sb.inject("rate_limit", path="/v1/images/generations", retry_after=1)
        ...                    # drive it with any HTTP client
        sb.requests            # every request received (method, path, headers, json ...)
        sb.requests.matching("POST", "/v1/images/generations")
        sb.tasks()             # the tasks created (an Idempotency-Key replay creates none)
        sb.task(task_id)       # a task's query body right now
        sb.balance()           # what GET /v1/credits answers now (mjprompt.evolink.Balance)
        sb.callbacks           # every callback delivery attempt

``Sandbox.start()`` / ``stop()`` work without ``with``; ``serve_forever(duration)``
blocks (the CLI uses it). A stopped sandbox cannot be restarted.

Endpoints: ``POST /v1/images/generations``, ``GET /v1/tasks/{id}``, ``GET /v1/credits``
(bearer auth, the documented error envelope and codes), ``GET /files/{id}/{i}.png`` (the results; no
auth; 404 before completion, 410 once expired), ``GET /`` (a description).

:class:`SandboxConfig` knobs (all times in seconds):

``host`` (``"127.0.0.1"``), ``port`` (``0``: a free port)
    Where to listen. ``"::1"`` works; a non-loopback host exposes the sandbox.
``api_key`` (``"sk-sandbox"``)
    The one bearer key accepted; anything else is 401 ``unauthorized``.
``task_duration`` (``6.0``)
    Creation to completion: ``pending`` for the first tenth, then ``processing`` with
    ``progress`` rising 1-99, then ``completed`` (100). ``task_info.estimated_time`` is
    its ceiling on creation and the time left while running. ``0``: done at once.
``result_ttl`` (``86400``)
    How long result links stay valid after completion; then 410 ``link_expired``.
``image_long_side`` (``64``, 14-1024)
    Pixels of the long side of the PNG results; the short side follows ``--ar``.
``fail_code`` (``"generation_failed_no_content"``)
    The task error code of a prompt with the bare ``sandbox-fail`` marker.
``allow_loopback_callbacks`` (``False``)
    Accept ``http(s)`` callback URLs on 127.0.0.1 / ::1 / localhost (for tests); any
    other URL still follows :func:`mjprompt.callbacks.callback_url_problem`.
``callback_timeout`` (``10.0``), ``callback_retry_delays`` (``(1.0, 2.0, 4.0)``)
    Each delivery attempt's timeout, and the waits before each retry (scale them down
    in tests).
``behaviour`` (``"documented"``)
    ``"documented"``: what the evolink docs state, checked with the sandbox's own
    table of the request contract (:mod:`.contract`), permissive where the docs are
    silent (unknown fields ignored, unknown prompt flags passed through; what the docs
    call unsupported fails the task with ``invalid_parameters``). ``"strict"``: the
    library's own validation (unknown fields, lint errors, Idempotency-Key format and
    409 conflicts) as 400s. Every decision: the table in ``docs/sandbox.md``.
``stall_timeout`` (``30.0``)
    How long a ``stall`` fault without ``delay`` holds its connection.
``public_base_url`` (``None``)
    Base of the result links when clients reach the sandbox through another address.
``clock`` (``time.time``)
    The wall clock tasks and link expiry follow; inject a fake one to step time.
``record_requests`` (``True``)
    Keep every request in ``sb.requests``.
``log`` (``None``)
    A callable that receives one line per request (``"POST /v1/... 200"``).
``credits`` (``1000000``)
    The account's starting balance. Each task reserves ``usage.credits_reserved`` from
    the cost model of :mod:`mjprompt.evolink`; failed and cancelled tasks are refunded;
    a POST the balance cannot pay is 402 ``insufficient_quota`` (``docs/cost.md``).

Prompt markers (whole words, any case): ``sandbox-fail`` or ``sandbox-fail:CODE`` (the
task fails with that task error code), ``sandbox-never`` (it never finishes),
``sandbox-cancel`` (it ends ``cancelled``/``request_cancelled``), ``sandbox-images:N``
(only N of the four results). A cancelled task and a completion with 0 results are
beyond the documentation and happen only on these markers. ``--seed`` fixes the
pixels; without it a random seed.

Faults (:meth:`Sandbox.inject` and ``mjprompt sandbox --fault``), see
:class:`~mjprompt.sandbox.faults.FaultKind`: ``rate_limit`` (429), ``quota`` (402),
``forbidden`` (403), ``server_error`` (500), ``bad_gateway`` (502), ``unavailable``
(503), ``slow``, ``stall``, ``drop_before``, ``drop_after``, ``malformed_json``,
``html``, ``truncate``; options ``path`` (prefix), ``method``, ``count`` (``None``:
until cleared), ``every``, ``retry_after``, ``delay``, ``status``.
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
