"""The midjourney profile lints each expansion of a permutation prompt."""

from __future__ import annotations

from mjprompt import lint


def _by_code(text: str, code: str, profile: str = "midjourney") -> list[tuple[str, str]]:
    return [
        (text[d.span.start : d.span.end], d.message)
        for d in lint(text, profile=profile)
        if d.code == code
    ]


def test_a_bad_option_is_reported_at_its_own_span() -> None:
    text = "a {red, green} bird --ar {1:1, 15:1}"
    found = _by_code(text, "MJ307")
    assert len(found) == 1
    span_text, message = found[0]
    assert span_text == "15:1"
    assert "at most 14:1" in message
    assert "expansion 2 of 4: `red` / `15:1`, and 1 more" in message


def test_each_bad_value_is_reported_once_with_its_expansion() -> None:
    found = _by_code("a cat --s {500, 2000, 3000}", "MJ304")
    assert [s for s, _ in found] == ["2000", "3000"]
    assert "expansion 2 of 3: `2000`" in found[0][1]
    assert "expansion 3 of 3: `3000`" in found[1][1]


def test_a_finding_of_the_prompt_as_written_is_not_repeated() -> None:
    found = _by_code("a {red, green} bird --foo 3", "MJ301")
    assert found == [("--foo", "Unrecognized parameter(s): `--foo`")]


def test_a_finding_in_every_expansion_says_so() -> None:
    # Reported on the prompt as written (the whole parameter): not again per expansion.
    found = _by_code("a {cat, dog} --sw {100, 200}", "MJ501")
    assert found == [("--sw {100, 200}", "Cannot use `--sw` without a `--sref`")]
    # The codes are inside the braces: only the expansions show the clash with `--sv 2`.
    text = "a cat --sv 2 --sref {123, 456}"
    found = _by_code(text, "MJ503")
    assert len(found) == 1
    assert found[0][0] == "--sv 2"
    assert found[0][1].endswith("(in all 2 expansions)")


def test_a_finding_on_the_whole_parameter_is_not_repeated_for_a_shorter_span() -> None:
    # As written, MJ601 covers `--turbo` with its group; in the expansion whose option
    # is a parameter (`--turbo --c 5`) it ends at `--turbo`: the same finding.
    assert _by_code("a cat --turbo {b, --c 5}", "MJ601") == [
        ("--turbo {b, --c 5}", "cost: `--turbo` Turbo mode costs about twice as much as Fast")
    ]
    # A costly parameter an option adds is a finding of its own.
    found = _by_code("a cat --q 4 {a, --q 2}", "MJ601")
    assert [s for s, _ in found] == ["--q 4 {a, --q 2}", "--q 2"]


def test_text_findings_map_into_the_option() -> None:
    text = "{hot:: dog, cat} on a plate"
    found = _by_code(text, "MJ210")
    assert [s for s, _ in found] == ["::"]
    assert "expansion 1 of 2: `hot:: dog`" in found[0][1]


def test_more_than_40_jobs_is_an_error_and_nothing_is_expanded() -> None:
    text = "{a,b,c,d,e,f,g} {1,2,3,4,5,6,7} --s {5000, 6000}"
    codes = [d.code for d in lint(text, profile="midjourney")]
    assert "MJ212" in codes
    assert "MJ304" not in codes  # 98 jobs: not linted one by one


def test_evolink_does_not_expand() -> None:
    text = "a cat --ar {1:1, 15:1}"
    codes = [d.code for d in lint(text, profile="evolink")]
    assert codes == ["MJ211"]


def test_select_and_ignore_apply_to_expansions() -> None:
    text = "a {cat, dog} --ar {1:1, 15:1} --s {5, 2000}"
    assert {d.code for d in lint(text, profile="midjourney", select=["MJ307"])} == {"MJ307"}
    assert "MJ307" not in {d.code for d in lint(text, profile="midjourney", ignore=["MJ307"])}


def test_expansion_findings_carry_no_fix() -> None:
    # A fix computed on an expansion's text would edit the wrong offsets of the original.
    for d in lint("a cat --ar {1.78:1, 16:9}", profile="midjourney"):
        if d.code == "MJ306":
            assert d.fix is None
            break
    else:
        raise AssertionError("MJ306 not reported for the expansion")
