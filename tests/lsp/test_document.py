"""The document model: findings in UTF-16 ranges, incremental re-linting, suppressions."""

from __future__ import annotations

import json
from unittest.mock import patch

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mjprompt
from mjprompt.lsp import document
from mjprompt.lsp.document import Document, rule_href
from mjprompt.lsp.settings import Settings

from .helpers import doc, text_at

MISTAKES = "🐈 猫 —ar 3:2 --foo 1\n"


def test_ranges_are_utf16_units_and_cover_the_finding():
    d = doc(MISTAKES)
    found = d.diagnostics()
    by_code = {f["code"]: f for f in found}
    assert by_code["MJ103"]["range"]["start"] == {"line": 0, "character": 5}
    assert by_code["MJ103"]["range"]["end"] == {"line": 0, "character": 8}
    assert text_at(MISTAKES, by_code["MJ103"]["range"]) == "—ar"
    assert text_at(MISTAKES, by_code["MJ301"]["range"]) == "--foo"
    expected = {x.code for x in mjprompt.lint(MISTAKES.strip())}
    assert set(by_code) == expected


def test_severity_code_link_and_source():
    found = {f["code"]: f for f in doc(MISTAKES).diagnostics()}
    assert found["MJ301"]["severity"] == 1
    assert found["MJ103"]["severity"] == 3
    assert found["MJ301"]["codeDescription"]["href"].endswith("docs/rules.md#mj301")
    assert rule_href("MJ101") == found["MJ301"]["codeDescription"]["href"][:-6] + "#mj101"
    assert {f["source"] for f in found.values()} == {"mjprompt"}


def test_comments_and_blank_lines_are_not_prompts():
    d = doc("# --foo\n\n   \na cat\n")
    assert d.diagnostics() == []
    assert d.reads == 1


def test_profile_changes_the_findings():
    text = "a cat --p abc\n"
    assert {f["code"] for f in doc(text).diagnostics()} == {"MJ407"}
    assert doc(text, profile="midjourney").diagnostics() == []


def test_duplicate_has_related_information_at_the_first():
    text = "a 🐈 --ar 1:1 --ar 16:9\n"
    (found,) = doc(text).diagnostics()
    assert found["code"] == "MJ302"
    (related,) = found["relatedInformation"]
    assert text_at(text, related["location"]["range"]) == "--ar 1:1"
    assert related["location"]["uri"] == "file:///tmp/x.prompts"


def test_conflict_and_speeds_point_at_the_other_parameter():
    text = "a cat --oref https://example.com/x.png --q 4 --fast --turbo\n"
    found = {f["code"]: f for f in doc(text, select=("MJ502", "MJ409")).diagnostics()}
    (conflict,) = found["MJ502"]["relatedInformation"]
    assert text_at(text, conflict["location"]["range"]) == "--oref https://example.com/x.png"
    (speed,) = found["MJ409"]["relatedInformation"]
    assert text_at(text, speed["location"]["range"]) == "--fast"


def test_one_line_edit_relints_one_line():
    d = doc("a cat --ar 16:9\n" * 1000)
    assert d.reads == 1000
    d.change((500, 6), (500, 8), "—")
    assert d.reads == 1001
    (found,) = d.diagnostics()
    assert found["range"]["start"]["line"] == 500
    assert found["code"] == "MJ103"


def test_inserting_a_line_shifts_the_findings_below():
    d = doc("a cat\na dog --foo 1\n")
    d.change((0, 5), (0, 5), "\nnew --bar 2")
    assert d.reads == 2 + 2
    lines = [f["range"]["start"]["line"] for f in d.diagnostics()]
    assert lines == [1, 2]


def test_next_line_suppression_follows_the_comment():
    d = doc("a cat --foo 1\n")
    assert len(d.diagnostics()) == 1
    d.change((0, 0), (0, 0), "# mjprompt: disable-next-line MJ301\n")
    assert d.diagnostics() == []
    d.change((0, 0), (0, 35), "# mjprompt: disable-next-line MJ101")
    # MJ101 silences nothing there: the comment is an unused suppression (MJ901)
    assert [f["code"] for f in d.diagnostics()] == ["MJ901", "MJ301"]


def test_editing_a_comment_above_other_comments_updates_the_prompt_line():
    # The directive covers the next prompt line across the note, so an edit to it (or
    # a blank line put between) must refresh the prompt line two lines below.
    d = doc("# mjprompt: disable-next-line MJ101\n# note\na cat --foo 1\n")
    assert [f["code"] for f in d.diagnostics()] == ["MJ901", "MJ301"]
    d.change((0, 30), (0, 35), "MJ301")
    assert d.diagnostics() == []
    d.change((1, 6), (1, 6), "\n")
    assert [f["code"] for f in d.diagnostics()] == ["MJ901", "MJ301"]
    d.change((1, 6), (2, 0), "")
    assert d.diagnostics() == []


def test_file_suppression_anywhere():
    d = doc("a cat --foo 1\nb --bar 2\n")
    d.change((2, 0), (2, 0), "# mjprompt: disable-file MJ301\n")
    assert d.diagnostics() == []
    d.change((2, 0), (3, 0), "")
    assert len(d.diagnostics()) == 2


def test_suppressions_are_for_text_files_only():
    d = doc('{"prompt": "a cat --foo 1"}\n', name="x.jsonl")
    assert d.suppressed(0, "MJ301") is False


def test_jsonl_ranges_are_in_the_literal_as_written():
    text = '{"id": 1, "prompt": "\\u00e9 🐈 --foo 1"}\n'
    (found,) = doc(text, name="x.jsonl").diagnostics()
    assert text_at(text, found["range"]) == "--foo"


def test_json_document_and_its_errors():
    text = '[\n  "a cat --foo 1",\n  {"prompt": "\\t🐈 —ar 2:3"}\n]\n'
    found = doc(text, name="x.json").diagnostics()
    assert {(f["range"]["start"]["line"], f["code"]) for f in found} >= {(1, "MJ301"), (2, "MJ103")}
    mj103 = next(f for f in found if f["code"] == "MJ103")
    assert text_at(text, mj103["range"]) == "—ar"
    broken = doc('["a cat",\n  oops]\n', name="x.json").diagnostics()
    (problem,) = broken
    assert "code" not in problem
    assert problem["range"]["start"]["line"] == 1
    assert "invalid JSON" in problem["message"]


def test_json_key_setting():
    text = '{"text": "a cat --foo 1"}\n'
    assert doc(text, name="x.jsonl", json_key="text").diagnostics()[0]["code"] == "MJ301"
    assert "no" in doc(text, name="x.jsonl").diagnostics()[0]["message"]


def test_prompt_at_maps_escaped_offsets():
    d = doc('{"prompt": "\\u00e9 --ar 2:3"}\n', name="x.jsonl")
    found = d.prompt_at(0, 12 + 6 + 1)  # the literal starts at 12; after `\\u00e9` and a space
    assert found is not None
    prompt, offset = found
    assert prompt.text[offset:].startswith("--ar")
    assert d.prompt_at(0, 2) is None


_LINES = st.sampled_from(
    [
        "a cat --ar 16:9",
        "🐈 --foo 1",
        "# mjprompt: disable-next-line",
        "# mjprompt: disable-file MJ103",
        "猫 —ar 2:3",
        "",
        "# note",
        "a --s 1 --s 2",
        # used or unused (MJ901) by what the lines around them hold
        "# mjprompt: disable-next-line MJ301",
        "# mjprompt: disable-file MJ3",
        "# mjprompt: disable-next-line MJ-301",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_LINES, min_size=1, max_size=20),
    st.lists(st.tuples(st.integers(0, 20), _LINES, st.sampled_from("wid")), max_size=6),
)
def test_incremental_edits_give_what_a_fresh_read_gives(lines, edits):
    # Blocks of two lines, published after every edit: cached blocks must be refreshed,
    # and so must the unused-suppression findings of comments above and below an edit.
    with patch.object(document, "BLOCK", 2):
        d = doc("\n".join(lines))
        d.diagnostics_json()
        for line, new, how in edits:
            index = min(line, len(d.store) - 1)
            if how == "w":  # replace the whole line
                d.change((index, 0), (index, len(d.store.lines[index])), new)
            elif how == "i":  # insert a line above it
                d.change((index, 0), (index, 0), new + "\n")
            elif index + 1 < len(d.store):  # delete it, terminator included
                d.change((index, 0), (index + 1, 0), "")
            d.diagnostics_json()
        fresh = Document(d.uri, d.store.text(), 1, Settings())
        assert json.loads(d.diagnostics_json()) == json.loads(fresh.diagnostics_json())
        assert (d.found, d.safe_fixes) == (fresh.found, fresh.safe_fixes)


@pytest.mark.parametrize(
    ("name", "text"),
    [("x.prompts", "\ufeffa cat --foo 1\n"), ("x.json", '\ufeff["a cat --foo 1"]\n')],
)
def test_a_byte_order_mark_keeps_its_column(name, text):
    (found,) = doc(text, name=name).diagnostics()
    assert text_at(text, found["range"]) == "--foo"


def test_lines_moving_down_refresh_the_published_blocks():
    with patch.object(document, "BLOCK", 2):
        d = doc("a\nb\nc\nd\ne\nf\n🐈 --foo 1\ng\n")
        assert d.diagnostics()[0]["range"]["start"]["line"] == 6
        d.change((0, 0), (0, 0), "new\n")
        assert d.diagnostics()[0]["range"]["start"]["line"] == 7
        d.change((0, 0), (2, 0), "")
        assert d.diagnostics()[0]["range"]["start"]["line"] == 5


@pytest.mark.parametrize("name", ["x.prompts", "x.jsonl"])
def test_full_replacement(name):
    d = doc("a cat\n", name=name)
    d.replace_all("")
    assert d.diagnostics() == []
    assert len(d.store) == 1


def test_a_file_comment_becomes_used_and_unused_with_the_findings_below():
    d = doc("# mjprompt: disable-file MJ3\n# note\na cat\nb cat\n")
    assert [f["code"] for f in d.diagnostics()] == ["MJ901"]
    d.change((3, 0), (3, 5), "a --s 1 --s 2")  # MJ302: the comment silences it
    assert d.diagnostics() == []
    d.change((3, 0), (3, 13), "b cat")
    assert [f["code"] for f in d.diagnostics()] == ["MJ901"]


def test_a_next_line_comment_is_unused_once_its_prompt_is_clean():
    d = doc("# mjprompt: disable-next-line MJ301\n# note\na cat --foo 1\n")
    assert d.diagnostics() == []
    d.change((2, 6), (2, 13), "")
    (unused,) = d.diagnostics()
    assert (unused["code"], unused["range"]["start"]["line"]) == ("MJ901", 0)
    assert d.reads == 2  # the prompt line twice; the comments are not read as prompts


def test_the_window_of_a_file_with_more_findings_than_the_limit():
    d = doc("a cat --foo 1\n" * 3000, max_diagnostics=1100)
    first, end, shown, total = d.window()
    assert (first, end, shown, total) == (0, 1024, 1024, 3000)
    d.change((2000, 6), (2000, 6), " ")
    assert d.window() == (1536, 2560, 1024, 3000)
    found = d.diagnostics()
    assert len(found) == 1024 + 1
    assert found[-1]["message"].startswith("3,000 findings in this file: the 1,024 on lines")
    assert "code" not in found[-1] and found[-1]["severity"] == 3
    # the last block (lines 2560-3000) is the focus's: it is shown with the ones above
    d.change((2999, 0), (2999, 0), " ")
    assert d.window() == (2048, 3001, 952, 3000)
    d.settings = attrs.evolve(d.settings, max_diagnostics=0)
    assert d.window() == (0, 3001, 3000, 3000)
    assert len(d.diagnostics()) == 3000
