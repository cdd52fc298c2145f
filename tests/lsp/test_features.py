"""Code actions, formatting, hover and completion on the document model."""

from __future__ import annotations

import pytest

import mjprompt
from mjprompt.lsp.actions import FIX_ALL, QUICKFIX, UNSAFE, code_actions, fix_all_action
from mjprompt.lsp.completion import COMMON_RATIOS, complete
from mjprompt.lsp.edits import format_edits
from mjprompt.lsp.hover import hover
from mjprompt.lsp.verdict import verdict
from mjprompt.params import PARAMS, lookup

from .helpers import apply_text_edits, doc

TEXT = "🐈 猫 —ar 3:2 --AR 1:1\n"


def _edits(action):
    ((_, edits),) = action["edit"]["changes"].items()
    return edits


def _codes(text: str) -> set[str]:
    return {d.code for line in text.splitlines() if line for d in mjprompt.lint(line)}


def test_quick_fix_edit_repairs_the_finding():
    d = doc(TEXT)
    actions = code_actions(d, (0, 0), (0, 6))
    fix = next(a for a in actions if a["kind"] == QUICKFIX and "MJ103" in a["title"])
    assert fix["isPreferred"] is True
    assert fix["diagnostics"][0]["code"] == "MJ103"
    fixed = apply_text_edits(TEXT, _edits(fix))
    assert fixed == "🐈 猫 --ar 3:2 --AR 1:1\n"
    assert "MJ103" not in _codes(fixed)


def test_actions_only_for_the_range():
    d = doc(TEXT)
    titles = [a["title"] for a in code_actions(d, (0, 0), (0, 2))]
    assert not any("MJ103" in t for t in titles)


def test_unsafe_fix_is_marked():
    text = "a cat --stylise 100\n"
    d = doc(text)
    (unsafe,) = [a for a in code_actions(d, (0, 0), (0, 19)) if a["kind"] == UNSAFE]
    assert "unsafe" in unsafe["title"]
    assert unsafe["isPreferred"] is False
    assert apply_text_edits(text, _edits(unsafe)) == "a cat --stylize 100\n"


def test_fix_all_applies_every_safe_fix_only():
    text = "a cat —ar 3:2\n# note\na dog --AR 1:1 --stylise 2\n"
    d = doc(text)
    action = fix_all_action(d)
    assert action is not None
    assert action["kind"] == FIX_ALL
    fixed = apply_text_edits(text, _edits(action))
    assert fixed == "a cat --ar 3:2\n# note\na dog --ar 1:1 --stylise 2\n"
    assert fix_all_action(doc(fixed)) is None


def test_fix_all_is_offered_only_when_asked_and_useful():
    d = doc(TEXT)
    assert [a["kind"] for a in code_actions(d, (0, 0), (0, 1), ["source.fixAll"])] == [FIX_ALL]
    assert code_actions(doc("a cat\n"), (0, 0), (0, 1), ["source"]) == []
    lazy = code_actions(d, (0, 0), (0, 1), ["source"], lazy_fix_all=True)
    assert "edit" not in lazy[0]
    assert lazy[0]["data"] == {"uri": d.uri}


def test_fix_all_leaves_suppressed_findings_alone():
    text = "# mjprompt: disable-next-line MJ103\na cat —ar 3:2 --AR 1:1\n"
    action = fix_all_action(doc(text))
    assert action is not None
    assert apply_text_edits(text, _edits(action)) == (
        "# mjprompt: disable-next-line MJ103\na cat —ar 3:2 --ar 1:1\n"
    )


def test_disable_for_this_line_writes_the_comment():
    text = "a cat\r\na dog --foo 1\r\n"
    d = doc(text)
    (disable,) = [a for a in code_actions(d, (1, 6), (1, 6)) if a["title"].startswith("Disable")]
    assert disable["title"] == "Disable MJ301 for this line"
    new = apply_text_edits(text, _edits(disable))
    assert new == "a cat\r\n# mjprompt: disable-next-line MJ301\r\na dog --foo 1\r\n"
    assert doc(new).diagnostics() == []


def test_disable_adds_the_code_to_an_existing_comment():
    text = "# mjprompt: disable-next-line MJ101\na dog --foo 1\n"
    d = doc(text)
    (disable,) = [a for a in code_actions(d, (1, 0), (1, 13)) if a["title"].startswith("Disable")]
    new = apply_text_edits(text, _edits(disable))
    assert new == "# mjprompt: disable-next-line MJ101,MJ301\na dog --foo 1\n"


def test_no_disable_action_in_json_files():
    d = doc('{"prompt": "a dog --foo 1"}\n', name="x.jsonl")
    assert not [a for a in code_actions(d, (0, 0), (0, 30)) if a["title"].startswith("Disable")]


def test_json_fix_keeps_the_escapes():
    text = '["\\u00e9 —ar 2:3"]\n'
    d = doc(text, name="x.json")
    action = fix_all_action(d)
    assert action is not None
    assert apply_text_edits(text, _edits(action)) == '["\\u00e9 --ar 2:3"]\n'


def test_format_whole_document_and_range():
    text = "a   cat --s 200 --ar 16:9\n# keep   me\nb  dog --v 7 --ar 1:1\n"
    d = doc(text)
    whole = apply_text_edits(text, format_edits(d))
    assert whole == "a cat --ar 16:9 --stylize 200\n# keep   me\nb dog --ar 1:1 --v 7\n"
    first_only = apply_text_edits(text, format_edits(d, 0, 0))
    assert first_only == "a cat --ar 16:9 --stylize 200\n# keep   me\nb  dog --v 7 --ar 1:1\n"
    assert format_edits(doc(whole)) == []


def test_hover_on_a_parameter():
    d = doc("🐈 a cat --q 2\n")
    found = hover(d, 0, 9)
    assert found is not None
    text = found["contents"]["value"]
    for part in ("`--quality`", "`--q`", "one of `1`, `2`, `4`", "Default: `1`", "GPU"):
        assert part in text
    assert "**accepted**" in text


def test_hover_says_what_the_profile_refuses():
    d = doc("a cat --repeat 3\n")
    found = hover(d, 0, 8)
    assert found is not None
    assert "**refused**" in found["contents"]["value"]
    assert "MJ407" in found["contents"]["value"]
    midjourney = hover(doc("a cat --repeat 3\n", profile="midjourney"), 0, 8)
    assert midjourney is not None
    assert "**accepted**" in midjourney["contents"]["value"]


def test_hover_on_a_code_explains_the_rule():
    d = doc("# mjprompt: disable-next-line MJ302\na cat\n")
    found = hover(d, 0, 32)
    assert found is not None
    assert "duplicate-parameter" in found["contents"]["value"]
    assert found["range"]["start"] == {"line": 0, "character": 30}


def test_hover_on_a_finding_explains_its_rule():
    found = hover(doc("a cat --foo 1\n"), 0, 7)
    assert found is not None
    assert "unknown-parameter" in found["contents"]["value"]
    assert hover(doc("a cat\n"), 0, 2) is None


def test_completion_after_dashes_lists_names_and_aliases():
    d = doc("a cat --\n")
    items = {i["label"]: i for i in complete(d, 0, 8)}
    assert {"aspect", "ar", "stylize", "s", "quality", "q"} <= set(items)
    assert items["ar"]["detail"].startswith("alias of --aspect")
    assert "tags" not in items["aspect"]


def test_completion_replaces_only_what_was_typed():
    line = "🐈 --st"
    (item,) = [i for i in complete(doc(line + "\n"), 0, len(line)) if i["label"] == "stylize"]
    assert item["textEdit"]["range"]["start"] == {"line": 0, "character": 5}
    assert item["textEdit"]["range"]["end"] == {"line": 0, "character": 7}
    assert apply_text_edits(line, [item["textEdit"]]) == "🐈 --stylize"
    value = "a --q 2"
    (two,) = [i for i in complete(doc(value + "\n"), 0, len(value)) if i["label"] == "2"]
    assert apply_text_edits(value, [two["textEdit"]]) == "a --q 2"


def test_completion_filters_by_what_is_typed():
    labels = {i["label"] for i in complete(doc("a cat --st\n"), 0, 10)}
    assert labels == {"stylize", "stop", "stealth", "style"}


def test_refused_parameters_say_so():
    items = {i["label"]: i for i in complete(doc("a cat --\n"), 0, 8)}
    for name in ("repeat", "cref", "video", "niji"):
        assert items[name]["tags"] == [1]
        assert "refused" in items[name]["detail"]
        assert items[name]["sortText"] > items["aspect"]["sortText"]
    mj = {i["label"]: i for i in complete(doc("a cat --\n", profile="midjourney"), 0, 8)}
    assert "tags" not in mj["repeat"]


@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("a cat --q ", {"1", "2", "4"}),
        ("a cat --style ", {"raw"}),
        ("a cat --ar 1", set(COMMON_RATIOS)),
        ("a cat --sv ", {"1", "2", "3", "4", "5", "6"}),
        ("a cat --tile ", set()),
    ],
)
def test_completion_of_values(line, values):
    assert {i["label"] for i in complete(doc(line + "\n"), 0, len(line))} == values


def test_no_completion_outside_parameters():
    assert complete(doc("a cat\n"), 0, 3) == []
    assert complete(doc("# --\n"), 0, 4) == []


def _sample(spec) -> str:
    if spec.choices:
        return spec.choices[-1]
    values = {
        "ratio": "2:3",
        "sref": "https://example.com/s.png",
        "url": "https://example.com/o.png",
    }
    if spec.kind.value in values:
        return values[spec.kind.value]
    if spec.kind.value in ("int", "float"):
        return str(int(spec.minimum if spec.minimum is not None else 1))
    return "" if spec.kind.value == "flag" else "abc"


_VERDICT_RULES = {"MJ403", "MJ404", "MJ406", "MJ407", "MJ410"}


@pytest.mark.parametrize("profile", ["evolink", "midjourney"])
def test_verdict_agrees_with_the_linter(profile):
    # Each parameter alone in a prompt: refused exactly when a rule refuses it.
    for spec in PARAMS:
        if spec.name == "style":
            continue  # `--style raw` is accepted as an info, other values are refused
        prompt = f"a cat --{spec.name} {_sample(spec)}".strip()
        found = {
            d.code for d in mjprompt.lint(prompt, profile=profile) if d.severity.value == "error"
        }
        refused = bool(found & _VERDICT_RULES)
        assert verdict(spec, profile).accepted is not refused, (prompt, found)
    assert lookup("style") is not None
    assert verdict(lookup("style"), profile).accepted is False


def test_hover_on_an_unused_suppression_explains_mj901():
    d = doc("# mjprompt: disable-next-line MJ101\na cat\n")
    found = hover(d, 0, 5)
    assert found is not None
    assert "unused-suppression" in found["contents"]["value"]
    assert "silences nothing" in found["contents"]["value"]
