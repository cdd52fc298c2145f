"""The cost model of mjprompt.evolink: its values, their sources, and the estimates."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mjprompt import evolink
from mjprompt.evolink import (
    COST_TABLE,
    DOCUMENTED,
    INFERRED,
    OREF_FACTOR,
    QUALITY_FACTORS,
    SECONDARY,
    SOURCES,
    SPEED_CREDITS,
    estimate_payload,
    estimate_prompt,
    format_credits,
    weakest_status,
)

# The vendor price list in dollars (evolink-api.md §1.2) and the display rate of
# evolink's own client (§2: 1 USD = 68 credits).
DOLLARS = {"draft": 0.040, "fast": 0.079, "turbo": 0.159}
CREDITS_PER_USD = 68


def test_every_row_names_known_sources_that_support_its_status() -> None:
    for row in COST_TABLE:
        assert row.status in (DOCUMENTED, SECONDARY, INFERRED), row
        assert all(key in SOURCES for key in row.sources), row
        statuses = {SOURCES[key].status for key in row.sources}
        if row.status == DOCUMENTED:
            assert DOCUMENTED in statuses, f"{row.applies_to}: documented without a doc source"
        elif row.status == SECONDARY:
            assert SECONDARY in statuses, row
        else:
            assert row.sources == (), "an inferred value has no source by definition"
        assert row.kind in ("credits", "factor") and row.note


def test_speed_credits_are_the_vendor_prices_at_the_display_rate() -> None:
    assert set(SPEED_CREDITS) == set(evolink.SPEEDS)
    for speed, dollars in DOLLARS.items():
        assert SPEED_CREDITS[speed].value == pytest.approx(dollars * CREDITS_PER_USD, abs=0.05)
        assert SPEED_CREDITS[speed].status == SECONDARY  # a price list, not the API docs


def test_speed_credits_agree_with_what_the_docs_say_about_their_order() -> None:
    draft, fast, turbo = (SPEED_CREDITS[s].value for s in ("draft", "fast", "turbo"))
    assert draft == fast / 2  # [PG7] "half cost"
    assert turbo == 2 * fast  # [MJ7] "~2x fast"


def test_the_multipliers() -> None:
    assert {k: r.value for k, r in QUALITY_FACTORS.items()} == {
        "1": 1.0,
        "2": 2.0,
        "3": 4.0,
        "4": 4.0,
    }
    assert QUALITY_FACTORS["1"].status == DOCUMENTED
    assert QUALITY_FACTORS["2"].status == QUALITY_FACTORS["4"].status == SECONDARY
    assert (OREF_FACTOR.value, OREF_FACTOR.status) == (2.0, DOCUMENTED)


@pytest.mark.parametrize(
    ("prompt", "speed", "credits"),
    [
        ("a cat", None, 5.4),
        ("a cat", "draft", 2.7),
        ("a cat", "turbo", 10.8),
        ("a cat --draft", None, 2.7),
        ("a cat --TURBO", None, 10.8),
        ("a cat --fast", None, 5.4),
        ("a cat --q 1", None, 5.4),
        ("a cat --q 2", None, 10.8),
        ("a cat --quality 2.0", None, 10.8),
        ("a cat --q 3", None, 21.6),
        ("a cat --q 4", "draft", 10.8),
        ("a cat --Q 4", None, 21.6),
        ("a cat --oref https://example.com/o.png", None, 10.8),
        ("https://example.com/a.png a cat --oref https://example.com/o.png --q 2", None, 21.6),
        ("a cat --q 2 --draft", None, 5.4),
        ("a cat --q 0.5", None, 5.4),
        ("a cat --q", None, 5.4),
        ("a cat--q 2", None, 5.4),  # not a flag: no space before it
        ("a cat --repeat 4", None, 5.4),
    ],
)
def test_estimate_prompt(prompt: str, speed: str | None, credits: float) -> None:
    assert estimate_prompt(prompt, speed).credits == credits


def test_an_estimate_names_its_speed_factors_and_status() -> None:
    e = estimate_prompt("a cat --oref https://example.com/o.png --q 2")
    assert e.speed == "fast" and e.base == 5.4
    assert [(f.label, f.multiplier, f.status) for f in e.factors] == [
        ("--q 2", 2.0, SECONDARY),
        ("--oref", 2.0, DOCUMENTED),
    ]
    assert e.status == SECONDARY
    assert e.is_estimate
    assert e.label() == "≈21.6 credits (estimate)"
    document = e.to_json()
    assert document["estimate"] is True and document["credits"] == 21.6
    assert document["factors"][1] == {"label": "--oref", "multiplier": 2.0, "status": "documented"}


@pytest.mark.parametrize(
    ("prompt", "speed", "note"),
    [
        ("a cat --draft --turbo", None, "several speed flags (draft, turbo): the dearest counted"),
        ("a cat --turbo", "draft", "the prompt's --turbo contradicts speed draft"),
        ("a cat --oref https://e.com/o.png", "turbo", "--oref needs the fast speed"),
        ("a {red, blue} cat", None, "permutation"),
        ("a cat --q 0.5", None, "--q 0.5: not a V7 quality"),
        ("a cat --q 2 --q 4", None, "several --q: the last one counted"),
        ("a cat --r 3", None, "--repeat is not supported"),
    ],
)
def test_notes(prompt: str, speed: str | None, note: str) -> None:
    notes = estimate_prompt(prompt, speed).notes
    assert any(note in n for n in notes), notes


def test_the_dearest_speed_and_the_last_quality_are_counted() -> None:
    assert estimate_prompt("a cat --draft --turbo").speed == "turbo"
    assert estimate_prompt("a cat --turbo --draft").credits == 10.8
    assert estimate_prompt("a cat --q 2 --q 4").credits == 21.6
    assert estimate_prompt("a cat --q 4 --q 2").credits == 10.8


def test_a_plain_prompt_has_no_notes_or_factors() -> None:
    e = estimate_prompt("a cat --ar 16:9 --s 500 --seed 7")
    assert (e.factors, e.notes, e.credits) == ((), (), 5.4)


def test_a_bad_speed_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="speed must be one of draft, fast, turbo"):
        estimate_prompt("a cat", "relax")


@pytest.mark.parametrize(
    ("body", "credits"),
    [
        ({"model": "mj-v7", "prompt": "a cat"}, 5.4),
        ({"prompt": "a cat", "model_params": {"speed": "draft"}}, 2.7),
        ({"prompt": "a cat --turbo", "model_params": {"speed": "draft"}}, 2.7),
        ({"prompt": "a cat --turbo"}, 5.4),  # the API removes the flag: fast
        ({"prompt": "a cat", "model_params": {"speed": "ludicrous"}}, 5.4),
        ({"prompt": "a cat", "model_params": None}, 5.4),
        ({"prompt": "a cat --q 4", "model_params": {"speed": "turbo"}}, 43.2),
        ({"prompt": 42}, 5.4),
        ({}, 5.4),
    ],
)
def test_estimate_payload(body: dict[str, object], credits: float) -> None:
    assert estimate_payload(body).credits == credits


def test_corpus_prompts_are_all_estimated(corpus: list[str]) -> None:
    allowed = {
        round(SPEED_CREDITS[s].value * q * o, 4)
        for s in SPEED_CREDITS
        for q in (1, 2, 4)
        for o in (1, 2)
    }
    for prompt in corpus:
        e = estimate_prompt(prompt)
        assert e.credits in allowed, (prompt, e)


@pytest.mark.parametrize(
    ("value", "text"),
    [(5.4, "5.4"), (27.0, "27"), (0.0, "0"), (1095.39961, "1095.3996"), (0.00001, "0"), (3, "3")],
)
def test_format_credits(value: float, text: str) -> None:
    assert format_credits(value) == text


def test_weakest_status() -> None:
    assert weakest_status([DOCUMENTED]) == DOCUMENTED
    assert weakest_status([DOCUMENTED, INFERRED]) == INFERRED
    assert weakest_status([SECONDARY, DOCUMENTED, INFERRED]) == SECONDARY


def test_the_contract_module_is_cheap_to_import() -> None:
    code = (
        "import sys, mjprompt.evolink; "
        "print(sorted(m for m in ('httpx', 'mjprompt.client', 'mjprompt.sandbox') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    source = evolink.__file__
    assert source is not None
    with open(source, encoding="utf-8") as f:
        imports = [line for line in f if line.startswith(("import ", "from "))]
    assert all("mjprompt" not in line and "httpx" not in line for line in imports), imports
