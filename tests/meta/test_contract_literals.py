"""The evolink wire contract is written once, in ``mjprompt/evolink.py`` (issue 18 item 1).

Every other module under ``src/mjprompt`` reads the contract from there. This test scans
their code (not docstrings, not comments: ``ast``) for the contract's literals and fails
when one is typed again. What counts as re-typing, per kind of literal:

- *distinctive strings* (the model id, the endpoint paths, the task-id prefix, the API
  host, the Idempotency-Key pattern): anywhere inside a string or an f-string part;
- *documented error messages* (the three error tables, the task errors): a string or an
  f-string part that starts with one;
- *exact strings* (the Idempotency headers, the documented error codes and task error
  codes): a string equal to one;
- *numbers* (the prompt length limit, the callback URL limit): an int equal to one;
- *word families* (task statuses, speeds, request fields): a tuple/list/set or dict keys
  made only of words of one family (two or more: a re-typed set), or a status word
  given to something named ``status``. A single ``"fast"`` or ``"failed"`` (a journal
  event, a progress label) is not the contract's.

``ALLOWED`` lists the few places where a value is equal by coincidence, each with why.
Generated modules are scanned too: ``client/_sync.py`` is made from ``_async.py`` and
``_scanner_tables.py`` holds no contract literal.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from mjprompt import evolink

SRC = Path(__file__).resolve().parents[2] / "src" / "mjprompt"
CONTRACT = SRC / "evolink.py"

SUBSTRINGS: dict[str, str] = {
    evolink.MODEL: "the model id (evolink.MODEL)",
    evolink.GENERATIONS_PATH: "an endpoint path (evolink.GENERATIONS_PATH)",
    evolink.TASKS_PATH.rstrip("/"): "an endpoint path (evolink.TASKS_PATH)",
    evolink.CREDITS_PATH: "an endpoint path (evolink.CREDITS_PATH)",
    evolink.TASK_ID_PREFIX: "the task-id prefix (evolink.TASK_ID_PREFIX)",
    evolink.BASE_URL.split("//")[1]: "the API host (evolink.BASE_URL)",
    "{16,96}": "the Idempotency-Key pattern (evolink.IDEMPOTENCY_KEY)",
    evolink.IDEMPOTENCY_KEY_RULE: "the Idempotency-Key rule (evolink.IDEMPOTENCY_KEY_RULE)",
}

# Numbers written inside messages ("at most 8192 characters").
NUMBER_WORDS: dict[re.Pattern[str], str] = {
    re.compile(rf"(?<!\d){evolink.MAX_PROMPT_LENGTH}(?!\d)"): (
        "the prompt length limit in a message (evolink.MAX_PROMPT_LENGTH)"
    ),
    re.compile(rf"(?<!\d){evolink.LINK_LIFETIME_HOURS} ?(?:h\b|hours)"): (
        "the link lifetime in a message (evolink.LINK_LIFETIME_HOURS)"
    ),
}

MESSAGES: dict[str, str] = {
    row.message: f"a documented error message ({table})"
    for table, rows in (
        ("evolink.GENERATION_ERRORS", evolink.GENERATION_ERRORS),
        ("evolink.TASK_QUERY_ERRORS", evolink.TASK_QUERY_ERRORS),
        ("evolink.CREDITS_ERRORS", evolink.CREDITS_ERRORS),
    )
    for row in rows.values()
}
MESSAGES.update(
    (row.message.split("\n")[0], "a task error message (evolink.TASK_ERRORS)")
    for row in evolink.TASK_ERRORS.values()
)

EXACT: dict[str, str] = {
    evolink.IDEMPOTENCY_HEADER: "a header name (evolink.IDEMPOTENCY_HEADER)",
    evolink.IDEMPOTENCY_REPLAYED_HEADER: "a header name (evolink.IDEMPOTENCY_REPLAYED_HEADER)",
    **{
        row.code: "a documented error code (evolink.GENERATION_ERRORS, TASK_QUERY_ERRORS)"
        for rows in (evolink.GENERATION_ERRORS, evolink.TASK_QUERY_ERRORS)
        for row in rows.values()
        if isinstance(row.code, str)
    },
    **dict.fromkeys(evolink.TASK_ERRORS, "a task error code (evolink.TaskErrorCode)"),
}

NUMBERS: dict[int, str] = {
    evolink.MAX_PROMPT_LENGTH: "the prompt length limit (evolink.MAX_PROMPT_LENGTH)",
    evolink.MAX_CALLBACK_URL_LENGTH: "the callback URL limit (evolink.MAX_CALLBACK_URL_LENGTH)",
}

STATUSES = evolink.DOCUMENTED_STATUSES | evolink.TERMINAL_STATUSES | evolink.IN_PROGRESS_STATUSES
FAMILIES: dict[str, frozenset[str]] = {
    "task statuses (evolink.*_STATUSES)": frozenset(STATUSES),
    "speeds (evolink.SPEEDS)": frozenset(evolink.SPEEDS),
    "request fields (evolink.REQUEST_FIELDS)": frozenset(evolink.REQUEST_FIELDS),
}

# (path under src/mjprompt, the name assigned or the literal) -> why it is not the contract
ALLOWED: dict[tuple[str, object], str] = {
    ("sandbox/server.py", "MAX_RECORDED_PATH"): "how much of a path the log keeps",
    ("rules/catalog.py", "evolink, Midjourney V7 image generation (mj-v7)"): (
        "the title of evolink's documentation page, quoted as a source"
    ),
    (
        "rules/catalog.py",
        "https://docs.evolink.ai/en/api-manual/image-series/midjourney/mj-v7-image-generate",
    ): "the address of that page (its slug holds the model id)",
    ("sandbox/envelope.py", "service_unavailable"): (
        "the gateway's undocumented HTTP 503 code, not the task error code of that name"
    ),
    ("client/errors.py", "service_unavailable"): (
        "the vendor's HTTP 503 code (evolink-api.md §4.2), not the task error code"
    ),
}


@attrs.frozen
class Retyped:
    path: str
    line: int
    literal: object
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.literal!r} is {self.why}"


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of string constants that are statements (docstrings and their like)."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def _assigned_names(tree: ast.AST) -> dict[int, str]:
    """id of each value node -> the name it is assigned to (``X = value``)."""
    out: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    for inner in ast.walk(node.value):
                        out[id(inner)] = target.id
        elif (
            isinstance(node, ast.AnnAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
        ):
            for inner in ast.walk(node.value):
                out[id(inner)] = node.target.id
    return out


def _words(elements: list[ast.expr | None]) -> list[str] | None:
    words = []
    for e in elements:
        if not (isinstance(e, ast.Constant) and isinstance(e.value, str)):
            return None
        words.append(e.value)
    return words


def _status_targets(tree: ast.AST) -> Iterator[ast.expr]:
    """Values given to something named ``status``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            names = [
                t.attr if isinstance(t, ast.Attribute) else getattr(t, "id", None)
                for t in node.targets
            ]
            if "status" in names:
                yield node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target = node.target
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
            if name == "status":
                yield node.value
        elif isinstance(node, ast.keyword) and node.arg == "status":
            yield node.value
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "status":
                    yield value


def scan(source: str, path: str) -> list[Retyped]:
    """Every contract literal re-typed in ``source`` (a module at ``path``)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    names = _assigned_names(tree)
    # `__all__` holds names, not literals (a function may be called `invalid_request`).
    docs |= {i for i, name in names.items() if name == "__all__"}
    found: list[Retyped] = []

    def allowed(node: ast.AST, literal: object) -> bool:
        return (path, names.get(id(node))) in ALLOWED or (path, literal) in ALLOWED

    def report(node: ast.AST, literal: object, why: str) -> None:
        if not allowed(node, literal):
            found.append(Retyped(path, getattr(node, "lineno", 0), literal, why))

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docs:
            value = node.value
            if isinstance(value, str):
                for text, why in SUBSTRINGS.items():
                    if text in value:
                        report(node, value, why)
                for pattern, why in NUMBER_WORDS.items():
                    if pattern.search(value):
                        report(node, value, why)
                for text, why in MESSAGES.items():
                    if value.startswith(text):
                        report(node, value, why)
                if value in EXACT:
                    report(node, value, EXACT[value])
            elif (
                isinstance(value, int)
                and value in NUMBERS
                # written as that decimal number (`0x800` is a UTF-8 bound, not a limit)
                and ast.get_source_segment(source, node) == str(value)
            ):
                report(node, value, NUMBERS[value])
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            words = _words(list(node.elts))
            if words is None or len(set(words)) < 2:
                continue
            for family, members in FAMILIES.items():
                if set(words) <= members:
                    report(node, tuple(words), f"a re-typed set of {family}")
    for value in _status_targets(tree):
        if isinstance(value, ast.Constant) and value.value in STATUSES:
            report(value, value.value, "a task status (evolink.PENDING, COMPLETED, …)")
        if isinstance(value, ast.BoolOp):  # `status or "pending"`
            for operand in value.values:
                if isinstance(operand, ast.Constant) and operand.value in STATUSES:
                    report(operand, operand.value, "a task status (evolink.PENDING, …)")
    return found


def test_no_module_retypes_the_contract() -> None:
    found: list[Retyped] = []
    modules = sorted(p for p in SRC.rglob("*.py") if p != CONTRACT)
    assert len(modules) > 50  # the whole package, not an empty glob
    for module in modules:
        found += scan(module.read_text(encoding="utf-8"), module.relative_to(SRC).as_posix())
    assert not found, "contract literals outside evolink.py:\n" + "\n".join(map(str, found))


def test_the_contract_itself_holds_the_literals() -> None:
    # The scan is not vacuous: run on evolink.py, it finds the contract (this is what a
    # re-typed copy in another module looks like).
    found = scan(CONTRACT.read_text(encoding="utf-8"), "evolink.py")
    literals = {f.literal for f in found}
    for expected in (
        evolink.MODEL,
        evolink.GENERATIONS_PATH,
        evolink.TASK_ID_PREFIX,
        evolink.MAX_PROMPT_LENGTH,
        evolink.IDEMPOTENCY_HEADER,
        evolink.TaskErrorCode.CONTENT_POLICY_VIOLATION,
        ("draft", "fast", "turbo"),
    ):
        assert expected in literals, expected
    assert any("error message" in f.why for f in found)


PLANTED = """\
MODEL = "mj-v7"
URL = f"{base}/v1/images/generations"
QUERY = base + "/v1/tasks/" + task_id
LIMIT = 8192
DONE = frozenset({"completed", "failed", "cancelled"})
SPEEDS = ("draft", "fast", "turbo")
KEY = re.compile(r"[A-Za-z0-9._-]{16,96}\\Z")
headers["Idempotency-Key"] = key
TASK_ERRORS = {"content_policy_violation": ContentPolicyViolationError}
status: str = "pending"
task = Task(id, status=raw or "pending")
body = {"status": "completed", "id": "task-unified-1-x"}
message = f"Invalid or expired token: {detail}"
too_long = "a prompt has at most 8192 characters"
expired = f"{url}: result links are valid for 24 hours"
FIELDS = frozenset({"model", "prompt", "model_params", "callback_url"})
"""

INNOCENT = '''\
"""A docstring may name mj-v7, /v1/tasks/{id}, 8192 and "completed"."""
# so may a comment: mj-v7 --fast
EVENTS = ("submitting", "created", "failed", "saved")  # a journal's words, one a status
label = "failed"
mode = "fast"
count = 8191
sizes = "81920 bytes, 124 hours"
UTF8_TWO_BYTES = 0x800  # 2048, written as the bound it is
name = "model"
pair = ("model", "seed")
__all__ = ["invalid_request", "new_idempotency_key"]
if state.event == "completed": pass
'''


def test_a_planted_copy_is_found_line_by_line() -> None:
    found = scan(PLANTED, "planted.py")
    lines = {f.line for f in found}
    assert lines == set(range(1, PLANTED.count("\n") + 1)), "\n".join(map(str, found))


def test_no_false_positives_on_innocent_code() -> None:
    assert scan(INNOCENT, "innocent.py") == []


def test_allowed_entries_are_still_needed() -> None:
    # An allow-list entry whose code is gone must go too.
    for (path, what), why in ALLOWED.items():
        source = (SRC / path).read_text(encoding="utf-8")
        assert f"{what}" in source, (path, what, why)
