"""Conformance: the examples of the API documentation replayed against the default sandbox.

The examples are read from ``shared/spec/evolink-api.md`` itself (the JSON blocks of
§1.3, §2 and §3.1, and every row of the error tables of §4.1 and §4.2), so that a
change of the documentation shows up here. Each response is compared field by field:
the same fields with the same JSON types, and equal values wherever the documented
value is a constant rather than an example of a varying one (ids, timestamps).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest

from mjprompt.sandbox import Sandbox

GEN = "/v1/images/generations"
# Faults that make the sandbox answer a documented error status it cannot otherwise give.
FAULT_FOR_STATUS = {402: "quota", 403: "forbidden", 429: "rate_limit", 500: "server_error"}


@attrs.frozen
class Example:
    line: int  # 1-based line of the opening brace in the fact sheet
    body: Any


@attrs.frozen
class ErrorRow:
    line: int
    status: int
    code: str
    type: str
    message: str
    extra: str


def json_blocks(lines: list[str]) -> list[Example]:
    """Every ```json block of the fact sheet, parsed (placeholders like "<string>" stay)."""
    blocks, current, start = [], None, 0
    for number, line in enumerate(lines, 1):
        if line.strip() == "```json":
            current, start = [], number + 1
        elif line.strip() == "```" and current is not None:
            blocks.append(Example(start, json.loads("\n".join(current))))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


_CODE = re.compile(r"`([^`]*)`")


def error_rows(lines: list[str], heading: str) -> list[ErrorRow]:
    """The 4xx/5xx rows of the first table after the line starting with ``heading``."""
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    rows: list[ErrorRow] = []
    for number, line in enumerate(lines[start + 1 :], start + 2):
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if not re.fullmatch(r"[45]\d\d", cells[0]):
            continue
        codes = [_CODE.findall(c) for c in cells[1:]]
        texts = [c[0] for c in codes if c]
        # generation: meaning | code | type | message; task: code | type | message | extra
        if heading.startswith("Documented responses"):
            code, kind, message = texts[0], texts[1], texts[2]
            extra = ""
        else:
            code, kind, message = texts[0], texts[1], texts[2]
            extra = cells[4]
        rows.append(ErrorRow(number, int(cells[0]), code, kind, message, extra))
    return rows


def same_shape(got: Any, documented: Any, where: str = "") -> None:
    """Every documented field is present with the same JSON type (recursively)."""
    if isinstance(documented, dict):
        assert isinstance(got, dict), f"{where or 'body'} is not an object"
        for key, value in documented.items():
            assert key in got, f"{where}{key} is missing"
            same_shape(got[key], value, f"{where}{key}.")
    elif isinstance(documented, list):
        assert isinstance(got, list), f"{where} is not an array"
        for item in got:
            same_shape(item, documented[0], where)
    elif isinstance(documented, bool):
        assert isinstance(got, bool), f"{where} is not a boolean"
    elif isinstance(documented, (int, float)):
        assert isinstance(got, (int, float)) and not isinstance(got, bool), where
        if isinstance(documented, int):
            assert isinstance(got, int), f"{where} is not an integer"
    else:
        assert type(got) is type(documented), f"{where} is {type(got).__name__}"


def equal_at(got: dict[str, Any], documented: dict[str, Any], *paths: str) -> None:
    for path in paths:
        g: Any = got
        d: Any = documented
        for part in path.split("."):
            g, d = g[part], d[part]
        assert g == d, f"{path}: {g!r} != documented {d!r}"


@pytest.fixture
def examples(spec_lines: list[str]) -> list[Example]:
    found = json_blocks(spec_lines)
    assert len(found) >= 6, "the fact sheet lost its JSON examples"
    return found


def requests_of(examples: list[Example]) -> list[Example]:
    return [e for e in examples if isinstance(e.body, dict) and "prompt" in e.body]


def one(examples: list[Example], status: str) -> Example:
    (found,) = [e for e in examples if isinstance(e.body, dict) and e.body.get("status") == status]
    return found


@pytest.mark.decision("G03", "G04", "G07", "R01", "R09")
def test_documented_requests_create_documented_tasks(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    examples: list[Example],
) -> None:
    requests = requests_of(examples)
    assert len(requests) == 2  # §1.3: a text prompt and an image prompt
    created_doc = one(examples, "pending").body
    sb = make_sandbox(task_duration=45)
    c = client_for(sb)
    for example in requests:
        response = c.post(GEN, json=example.body)
        assert response.status_code == 200, (example.line, response.text)
        assert response.headers["content-type"] == "application/json"
        got = response.json()
        same_shape(got, created_doc)
        assert set(got) == set(created_doc)  # nothing undocumented on creation
        assert set(got["usage"]) == set(created_doc["usage"])
        equal_at(
            got,
            created_doc,
            "model",
            "object",
            "progress",
            "status",
            "type",
            "task_info.can_cancel",
            "task_info.estimated_time",  # 45 s: the sandbox's duration here
            "usage.billing_rule",
            "usage.user_group",
        )
        assert re.fullmatch(rf"task-unified-{got['created']}-[a-z0-9]+", got["id"])
        assert got["usage"]["credits_reserved"] >= 0
    assert [t.prompt for t in sb.tasks()] == [e.body["prompt"] for e in requests]


@pytest.mark.decision("R02", "R04", "R09")
def test_completed_task_matches_the_documented_example(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    examples: list[Example],
) -> None:
    documented = one(examples, "completed").body
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)
    for example in requests_of(examples):
        task_id = c.post(GEN, json=example.body).json()["id"]
        got = c.get(f"/v1/tasks/{task_id}").json()
        same_shape(got, documented)
        equal_at(got, documented, "object", "progress", "status", "type", "task_info.can_cancel")
        assert got["id"] == task_id and got["model"] == example.body["model"]
        assert len(got["results"]) == 4  # "One generation = 4 images"
        for url in got["results"]:
            assert re.fullmatch(r"https?://\S+", url)
            assert c.get(url).status_code == 200


@pytest.mark.decision("R05")
def test_failed_task_matches_the_documented_example(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    examples: list[Example],
) -> None:
    documented = one(examples, "failed").body
    code = documented["error"]["code"]
    sb = make_sandbox(task_duration=0)
    c = client_for(sb)
    task_id = c.post(GEN, json={"model": "mj-v7", "prompt": f"a cat sandbox-fail:{code}"}).json()[
        "id"
    ]
    got = c.get(f"/v1/tasks/{task_id}").json()
    same_shape(got, documented)
    equal_at(got, documented, "object", "status", "progress", "error.code")
    # The example's message is cut with "..."; the sandbox sends the whole text.
    assert got["error"]["message"].startswith(documented["error"]["message"].rstrip("."))
    assert got["error"]["type"] == "task_error"  # [TASK] schema: always task_error
    assert "results" not in got


@pytest.fixture
def generation_rows(spec_lines: list[str]) -> list[ErrorRow]:
    rows = error_rows(spec_lines, "Documented responses for `POST /v1/images/generations`")
    assert [r.status for r in rows] == [400, 401, 402, 403, 429, 500]
    return rows


@pytest.fixture
def task_rows(spec_lines: list[str]) -> list[ErrorRow]:
    rows = error_rows(spec_lines, "### 4.2 Task-query endpoint errors")
    assert [r.status for r in rows] == [400, 401, 402, 403, 404, 429, 500]
    return rows


@pytest.mark.decision("G01", "G11", "G12", "E01")
def test_every_generation_error_row(
    sandbox: Sandbox, client_for: Callable[..., httpx.Client], generation_rows: list[ErrorRow]
) -> None:
    good = {"model": "mj-v7", "prompt": "a cat"}
    for row in generation_rows:
        c = client_for(sandbox, key="sk-wrong" if row.status == 401 else None)
        if row.status in FAULT_FOR_STATUS:
            sandbox.inject(FAULT_FOR_STATUS[row.status], path=GEN)
        body = {"prompt": "a cat"} if row.status == 400 else good
        response = c.post(GEN, json=body)
        assert response.status_code == row.status, row
        error = response.json()["error"]
        assert set(error) == {"code", "message", "type"}, row  # no `param` (G11)
        assert (error["code"], error["type"]) == (row.code, row.type), row
        if row.status == 400:  # the documented text, then what is wrong (G12)
            assert error["message"].startswith(f"{row.message}: "), error
        else:
            assert error["message"] == row.message, row
    assert len(sandbox.tasks()) == 0


@pytest.mark.decision("R07", "E01")
def test_every_task_query_error_row(
    sandbox: Sandbox, client_for: Callable[..., httpx.Client], task_rows: list[ErrorRow]
) -> None:
    known = client_for(sandbox).post(GEN, json={"model": "mj-v7", "prompt": "a cat"}).json()["id"]
    for row in task_rows:
        c = client_for(sandbox, key="sk-wrong" if row.status == 401 else None)
        task_id = {400: "abc", 404: "task-unified-1756817821-4x3rx6ny"}.get(row.status, known)
        if row.status in FAULT_FOR_STATUS:
            sandbox.inject(FAULT_FOR_STATUS[row.status], path="/v1/tasks/")
        response = c.get(f"/v1/tasks/{task_id}")
        assert response.status_code == row.status, row
        error = response.json()["error"]
        assert (error["code"], error["type"], error["message"]) == (
            row.code,
            row.type,
            row.message,
        ), row
        if "param" in row.extra:
            assert f'param: "{error["param"]}"' in row.extra
        else:
            assert "param" not in error


def test_the_spec_parser_reads_what_it_should(spec_lines: list[str]) -> None:
    # Guards the helpers above: a parser that found nothing would make the suite vacuous.
    rows = error_rows(spec_lines, "### 4.2 Task-query endpoint errors")
    first = rows[0]
    assert (first.status, first.code, first.extra) == (
        400,
        "invalid_task_id",
        '`param: "task_id"`',
    )
    assert spec_lines[first.line - 1].startswith("| 400 | `invalid_task_id`")
    blocks = json_blocks(spec_lines)
    assert spec_lines[blocks[0].line - 1].startswith('{"model": "mj-v7"')
