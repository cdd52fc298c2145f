"""The client's typed errors follow the contract's tables (mjprompt.evolink)."""

from __future__ import annotations

from mjprompt import evolink
from mjprompt.client import errors


def test_every_task_error_code_has_its_class_and_the_documented_retry_advice() -> None:
    assert set(errors.TASK_ERRORS) == set(evolink.TASK_ERRORS)
    for code, row in evolink.TASK_ERRORS.items():
        assert errors.TASK_ERRORS[code].retryable is row.retryable, code


def test_every_documented_http_code_takes_the_class_of_its_status() -> None:
    for table in (evolink.GENERATION_ERRORS, evolink.TASK_QUERY_ERRORS):
        for status, row in table.items():
            error = errors.api_error_from_response(
                status, {"error": {"code": row.code, "message": row.message}}
            )
            assert type(error) is errors._BY_STATUS[status], (status, row.code)
            # the code alone decides it too, whatever status a gateway sends (below 500)
            moved = errors.api_error_from_response(418, {"error": {"code": row.code}})
            assert type(moved) is errors._BY_STATUS[status], row.code
