"""The two behaviours side by side, one case per row of the decision table.

Each case is a request sent to a ``documented`` (default) and a ``strict`` sandbox, with
what each must answer: a 400 whose message contains a fragment, or a task that ends
``completed`` or ``failed`` with a task error code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest

import mjprompt
from mjprompt.lint import lint
from mjprompt.sandbox import Sandbox

GEN = "/v1/images/generations"
URL = "https://example.com/ref.jpg"


@attrs.frozen
class Refused:
    fragment: str


@attrs.frozen
class Ends:
    status: str
    code: str | None = None
    detail: str | None = None  # in the task error message


Outcome = Refused | Ends
DONE = Ends("completed")


def body(prompt: str = "a red fox in snow", **fields: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"model": "mj-v7", "prompt": prompt}
    out.update(fields)
    return out


def case(decision: str, request: Any, documented: Outcome, strict: Outcome, name: str) -> Any:
    return pytest.param(request, documented, strict, id=name, marks=pytest.mark.decision(decision))


def invalid(detail: str) -> Ends:
    return Ends("failed", "invalid_parameters", detail)


CASES = [
    # --- edges of the same rows
    case(
        "G07",
        body(model_params={"speed": 1}),
        Refused("not a number"),
        Refused("not 1"),
        "speed-number",
    ),
    case("G06", body("--fast --turbo"), invalid("empty"), Refused("prompt"), "only-speed-flags"),
    case("P03", body("a cat --NIJI 6"), invalid("--niji"), Refused("prompt"), "niji-upper"),
    case("P03", body("a cat--niji 6"), DONE, Refused("prompt"), "glued-not-a-flag"),
    case("P03", body("a cat --profile x --pink"), DONE, Refused("prompt"), "p-prefixes"),
    case("P04", body(" ".join([URL] * 20) + " a cat"), DONE, DONE, "20-images"),
    case("P05", body("a {single} cat"), DONE, Refused("MJ211"), "braces-without-comma"),
    case("P05", body("a cat --no red::blue"), DONE, DONE, "colons-after-a-flag"),
    case(
        "P08",
        body(f"a cat --oref {URL}", model_params={"speed": "turbo"}),
        invalid("turbo"),
        Refused("turbo"),
        "oref-turbo",
    ),
    case(
        "P08", body(f"a cat --oref {URL}", model_params={"speed": "fast"}), DONE, DONE, "oref-fast"
    ),
    # --- the request schema
    case("G02", [], Refused("must be a JSON object"), Refused("must be a JSON object"), "array"),
    case(
        "G03",
        {"prompt": "a cat"},
        Refused("model is required"),
        Refused("model is required"),
        "no-model",
    ),
    case(
        "G03",
        {"model": "mj-v7-upscale", "image_url": URL, "model_params": {"scale": 2}},
        Refused("emulates only mj-v7"),
        Refused("emulates only mj-v7"),
        "upscale-body",
    ),
    case(
        "G03",
        body(model=7),
        Refused("not a number"),
        Refused("model must be 'mj-v7'"),
        "model-number",
    ),
    case(
        "G04",
        {"model": "mj-v7"},
        Refused("prompt is required"),
        Refused("prompt is required"),
        "no-prompt",
    ),
    case(
        "G04", body(prompt=["a"]), Refused("not an array"), Refused("not an array"), "prompt-array"
    ),
    case("G05", body("a" * 8193), Refused("8193 characters"), Refused("8193 characters"), "8193"),
    case("G05", body("猫" * 8192), DONE, DONE, "8192-code-points"),
    case("G06", body("   "), invalid("empty"), Refused("prompt is empty"), "blank-prompt"),
    case("G06", body(""), invalid("empty"), Refused("prompt is empty"), "empty-prompt"),
    case(
        "G07",
        body(model_params={"speed": "relax"}),
        Refused("draft, fast, turbo"),
        Refused("draft, fast, turbo"),
        "speed-relax",
    ),
    case(
        "G07",
        body(model_params="fast"),
        Refused("must be an object"),
        Refused("must be an object"),
        "params-string",
    ),
    case("G07", body(model_params={"speed": None}), DONE, DONE, "speed-null"),
    case("G08", body(size="1024x1024", n=1), DONE, Refused("unknown field 'n'"), "extra-fields"),
    case(
        "G09",
        body(model_params={"speed": "fast", "quality": "hd"}),
        DONE,
        Refused("model_params.quality"),
        "extra-param",
    ),
    case(
        "G10",
        body(callback_url=5),
        Refused("callback_url must be a string"),
        Refused("callback_url must be a string"),
        "callback-number",
    ),
    case(
        "G10",
        body(callback_url="http://example.com/h"),
        Refused("https"),
        Refused("https"),
        "callback-http",
    ),
    case(
        "G10",
        body(callback_url="https://" + "a" * 2040 + ".com/"),
        Refused("at most 2048"),
        Refused("2048"),
        "callback-long",
    ),
    case(
        "G10",
        body(callback_url="https://192.168.1.5/h"),
        Refused("callback_url: "),
        Refused("private"),
        "callback-private",
    ),
    case(
        "G10",
        body(callback_url="https://[::ffff:10.0.0.1]/h"),
        Refused("callback_url: "),
        Refused("private"),
        "callback-mapped",
    ),
    case(
        "G10",
        body(callback_url="https://localhost/h"),
        Refused("callback_url: "),
        Refused("localhost"),
        "callback-localhost",
    ),
    # "etc.": any spelling of an internal address (the sandbox delivers callbacks).
    case(
        "G10",
        body(callback_url="https://3232235777/h"),
        Refused("means 192.168.1.1 is a private address"),
        Refused("private"),
        "callback-decimal",
    ),
    case("G10", body(callback_url="https://example.com/hooks?t=1"), DONE, DONE, "callback-ok"),
    # --- the prompt content
    case("P01", body("a cat --fast --turbo"), DONE, DONE, "speed-flags"),
    case("P02", body("a cat --v 6"), DONE, Refused("MJ402"), "v6"),
    case("P02", body("a cat --version 5.2"), DONE, Refused("prompt"), "version-5"),
    case("P03", body("a cat --niji 6"), invalid("--niji"), Refused("prompt"), "niji"),
    case("P03", body("a cat --stop 50"), invalid("--stop"), Refused("prompt"), "stop"),
    case("P03", body(f"a cat --cref {URL} --cw 50"), invalid("--cref"), Refused("prompt"), "cref"),
    case("P03", body("a cat --relax"), invalid("--relax"), Refused("prompt"), "relax"),
    case("P03", body("a cat --repeat 3"), invalid("--repeat"), Refused("prompt"), "repeat"),
    case("P03", body("a cat --r 3"), invalid("--r"), Refused("prompt"), "r"),
    case("P03", body("a cat --p"), invalid("--p"), Refused("prompt"), "p"),
    case("P03", body("a cat --stealth"), invalid("--stealth"), Refused("prompt"), "stealth"),
    case("P03", body("a cat --public"), invalid("--public"), Refused("prompt"), "public"),
    case("P04", body(URL), invalid("single image"), Refused("prompt"), "one-image-no-text"),
    case("P04", body(f"{URL} {URL}"), DONE, DONE, "two-images-no-text"),
    case("P04", body(f"{URL} a cat --iw 1.5"), DONE, DONE, "image-and-text"),
    case(
        "P04",
        body(" ".join([URL] * 21) + " a cat"),
        invalid("21 image prompts"),
        Refused("prompt"),
        "21-images",
    ),
    case("P05", body("a cat:: a dog::2"), invalid("::"), Refused("prompt"), "multi-prompt"),
    case("P05", body(f"a cat --sref {URL}::2"), DONE, DONE, "sref-weight"),
    case(
        "P05", body("a {red, blue} cat"), invalid("permutation"), Refused("prompt"), "permutation"
    ),
    case("P06", body("a cat --hd --foo bar"), DONE, Refused("prompt:1:7: MJ404"), "unknown-flags"),
    case("P07", body("a cat --q 0.5 --s 5000 --c 200"), DONE, Refused("prompt"), "out-of-range"),
    case(
        "P08",
        body(f"a cat --oref {URL}", model_params={"speed": "draft"}),
        invalid("--oref"),
        Refused("draft"),
        "oref-draft",
    ),
    case("P08", body(f"a cat --oref {URL} --draft"), DONE, DONE, "oref-draft-flag-removed"),
]


def outcome(sb: Sandbox, c: httpx.Client, request: Any) -> Outcome:
    response = c.post(GEN, json=request)
    if response.status_code == 400:
        return Refused(response.json()["error"]["message"])
    assert response.status_code == 200, response.text
    task = c.get(f"/v1/tasks/{response.json()['id']}").json()
    error = task.get("error") or {}
    detail = error.get("message")
    return Ends(task["status"], error.get("code"), detail)


def matches(got: Outcome, expected: Outcome) -> bool:
    if isinstance(expected, Refused):
        return isinstance(got, Refused) and expected.fragment in got.fragment
    if not isinstance(got, Ends) or (got.status, got.code) != (expected.status, expected.code):
        return False
    return expected.detail is None or expected.detail in (got.detail or "")


@pytest.mark.parametrize(("request_body", "documented", "strict"), CASES)
def test_each_decision_in_both_behaviours(
    make_sandbox: Callable[..., Sandbox],
    client_for: Callable[..., httpx.Client],
    request_body: Any,
    documented: Outcome,
    strict: Outcome,
) -> None:
    for behaviour, expected in (("documented", documented), ("strict", strict)):
        sb = make_sandbox(behaviour=behaviour, task_duration=0)
        got = outcome(sb, client_for(sb), request_body)
        assert matches(got, expected), (behaviour, got, expected)
        if isinstance(expected, Refused):
            assert sb.tasks() == []


@pytest.mark.decision("G11")
def test_param_is_named_only_by_the_strict_server(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    for behaviour, param in (("documented", None), ("strict", "model_params.speed")):
        sb = make_sandbox(behaviour=behaviour)
        error = client_for(sb).post(GEN, json=body(model_params={"speed": "x"})).json()["error"]
        assert error.get("param") == param


@pytest.mark.decision("P01")
def test_speed_comes_from_model_params_only(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client]
) -> None:
    sb = make_sandbox()
    c = client_for(sb)
    draft = c.post(GEN, json=body("a cat --turbo", model_params={"speed": "draft"})).json()
    plain = c.post(GEN, json=body("a cat --draft")).json()
    assert [t.speed for t in sb.tasks()] == ["draft", "fast"]
    assert draft["usage"]["credits_reserved"] < plain["usage"]["credits_reserved"]


@pytest.mark.decision("P06")
def test_our_linter_refuses_what_the_documented_server_accepts(
    sandbox: Sandbox, client_for: Callable[..., httpx.Client]
) -> None:
    """The sandbox no longer shares our linter, so a difference shows: the lint gate of
    our client is what keeps such a prompt from being paid for."""
    prompt = "a lighthouse at dusk --foo 3 --q 0.5"
    errors = [d.code for d in lint(prompt, profile="evolink") if d.severity.name == "ERROR"]
    assert errors, "the linter must refuse this prompt for the test to mean anything"
    raw = client_for(sandbox).post(GEN, json=body(prompt))
    assert raw.status_code == 200  # the documented server takes it ...
    assert len(sandbox.tasks()) == 1
    with (
        mjprompt.Client(sandbox.api_key, base_url=sandbox.base_url) as client,
        pytest.raises(mjprompt.PayloadError),
    ):
        client.submit(prompt)  # ... our client's lint gate stops it before a POST
    assert len(sandbox.requests.matching("POST", GEN)) == 1
    assert len(sandbox.tasks()) == 1


@pytest.mark.decision("R06", "R04")
@pytest.mark.parametrize("behaviour", ["documented", "strict"])
def test_beyond_the_docs_only_on_markers(
    make_sandbox: Callable[..., Sandbox], client_for: Callable[..., httpx.Client], behaviour: str
) -> None:
    sb = make_sandbox(behaviour=behaviour, task_duration=0)
    c = client_for(sb)

    def final(prompt: str) -> dict[str, Any]:
        task_id = c.post(GEN, json=body(prompt)).json()["id"]
        result: dict[str, Any] = c.get(f"/v1/tasks/{task_id}").json()
        return result

    cancelled = final("a cat sandbox-cancel")
    assert (cancelled["status"], cancelled["error"]["code"]) == ("cancelled", "request_cancelled")
    empty = final("a cat sandbox-images:0")
    assert (empty["status"], empty["results"]) == ("completed", [])
    # without markers: never cancelled, always 4 results, whatever the prompt
    for prompt in (
        "a cancelled cat",
        "a cat --no images",
        "sandbox cancel",
        "a cat sandbox-images",
    ):
        plain = final(prompt)
        assert (plain["status"], len(plain["results"])) == ("completed", 4), prompt
