"""End to end, each feature of issue 16 through a real client over stdio (pytest-lsp):
unsafe quick fixes, "disable for this line", hover on a code, value completion and the
profile's refusals, conflicts' related information, unused suppressions (MJ901) as
``mjprompt check`` reports them, and the limit on the diagnostics of a huge file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import start
from .helpers import apply_text_edits, text_at
from .test_server import _data, _doc, _edit, _open

pytestmark = pytest.mark.asyncio


async def _actions(
    client: LanguageClient, uri: str, line: int, column: int = 0, only: list[str] | None = None
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            _doc(uri),
            types.Range(types.Position(line, column), types.Position(line, column)),
            types.CodeActionContext(diagnostics=[], only=only),
        )
    )
    return [a for a in found or () if isinstance(a, types.CodeAction)]


def _edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return [e for e in action.edit.changes[uri] if isinstance(e, types.TextEdit)]


def _check(path: Path, *options: str) -> list[tuple[str, int]]:
    """(code, 0-based line) of what `mjprompt check` reports on the file."""
    out = subprocess.run(
        [sys.executable, "-m", "mjprompt", "check", "--format", "json-lines", *options, str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
        check=False,
    ).stdout
    return [(f["code"], f["line"] - 1) for f in map(json.loads, out.splitlines())]


def _codes(found: list[dict]) -> list[tuple[str | None, int]]:
    return [(d.get("code"), d["range"]["start"]["line"]) for d in found]


async def test_unsafe_fix_and_disable_for_this_line(client: LanguageClient, tmp_path: Path):
    await start(client)
    uri = (tmp_path / "x.prompts").as_uri()
    text = "🐈 cat --stylise 100\na dog --foo 1\n"
    await _open(client, uri, text)

    (unsafe,) = [a for a in await _actions(client, uri, 0, 8) if a.kind == "quickfix.unsafe"]
    assert unsafe.title.endswith("[unsafe: may change the prompt's meaning]")
    assert not unsafe.is_preferred
    assert apply_text_edits(text, [_data(e) for e in _edits_of(unsafe, uri)]).startswith(
        "🐈 cat --stylize 100\n"
    )

    (disable,) = [a for a in await _actions(client, uri, 1, 7) if a.title.startswith("Disable")]
    assert disable.title == "Disable MJ301 for this line"
    edits = _edits_of(disable, uri)
    text = apply_text_edits(text, [_data(e) for e in edits])
    assert text.splitlines()[1:] == ["# mjprompt: disable-next-line MJ301", "a dog --foo 1"]
    found = await _edit(client, uri, 2, edits)
    assert _codes(found) == [("MJ301", 0)]  # `--stylise` is unknown; `--foo` is silenced


async def test_hover_on_a_code_values_refusals_and_conflicts(
    client: LanguageClient, tmp_path: Path
):
    await start(client, {"select": ["MJ1", "MJ3", "MJ4", "MJ502"]})
    uri = (tmp_path / "x.prompts").as_uri()
    text = (
        "# mjprompt: disable-next-line MJ302\n"
        "a cat --q \n"
        "a cat --\n"
        "猫 --oref https://example.com/x.png --q 4\n"
    )
    found = await _open(client, uri, text)

    hover = await client.text_document_hover_async(
        types.HoverParams(_doc(uri), types.Position(0, 32))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "duplicate-parameter" in hover.contents.value

    values = await client.text_document_completion_async(
        types.CompletionParams(_doc(uri), types.Position(1, 10))
    )
    assert isinstance(values, types.CompletionList)
    assert {i.label for i in values.items} == {"1", "2", "4"}

    names = await client.text_document_completion_async(
        types.CompletionParams(_doc(uri), types.Position(2, 8))
    )
    assert isinstance(names, types.CompletionList)
    items = {i.label: i for i in names.items}
    assert list(items["repeat"].tags or ()) == [types.CompletionItemTag.Deprecated]
    assert "refused" in (items["repeat"].detail or "")
    assert not items["aspect"].tags

    (conflict,) = [d for d in found if d["code"] == "MJ502"]
    (other,) = conflict["relatedInformation"]
    assert text_at(text, other["location"]["range"]) == "--oref https://example.com/x.png"


UNUSED = (
    "# mjprompt: disable-next-line MJ101\n"
    "a cat --foo 1\n"
    "# mjprompt: disable-next-line MJ301,MJ101\n"
    "a dog --foo 1\n"
    "# mjprompt: disable-file MJ5\n"
)


async def test_unused_suppressions_as_check_reports_them(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "x.prompts"
    path.write_text(UNUSED)
    await start(client)
    uri = path.as_uri()
    found = await _open(client, uri, UNUSED)
    assert sorted(_codes(found)) == sorted(_check(path))
    assert _codes(found) == [("MJ901", 0), ("MJ301", 1), ("MJ901", 2), ("MJ901", 4)]
    assert text_at(UNUSED, found[2]["range"]) == "MJ101"
    assert found[0]["severity"] == types.DiagnosticSeverity.Warning
    assert found[0]["codeDescription"]["href"].endswith("#mj901")

    # The comment that silences nothing: its quick fix removes the line.
    actions = await _actions(client, uri, 0)
    assert not [a for a in actions if a.title == "Disable MJ901 for this line"]
    (remove,) = [a for a in actions if "MJ901" in a.title]
    assert remove.title == "Remove the suppression comment (MJ901)"
    assert remove.is_preferred and remove.kind == types.CodeActionKind.QuickFix
    edits = _edits_of(remove, uri)
    text = apply_text_edits(UNUSED, [_data(e) for e in edits])
    assert text == UNUSED.split("\n", 1)[1]
    found = await _edit(client, uri, 2, edits)
    assert _codes(found) == [("MJ301", 0), ("MJ901", 1), ("MJ901", 3)]

    # The one with a used code: only the unused code goes.
    (partial,) = [a for a in await _actions(client, uri, 1, 38) if "MJ901" in a.title]
    assert partial.title == "Remove the unused codes (MJ901)"
    edits = _edits_of(partial, uri)
    text = apply_text_edits(text, [_data(e) for e in edits])
    assert text.splitlines()[1] == "# mjprompt: disable-next-line MJ301"
    found = await _edit(client, uri, 3, edits)
    assert _codes(found) == [("MJ301", 0), ("MJ901", 3)]

    # Putting a finding the file comment names makes it used.
    change = types.TextEdit(types.Range(types.Position(2, 13), types.Position(2, 13)), " --tile")
    found = await _edit(client, uri, 4, [change])
    text = apply_text_edits(text, [_data(change)])
    path.write_text(text)
    assert sorted(_codes(found)) == sorted(_check(path))


async def test_fix_all_removes_unused_suppressions(client: LanguageClient, tmp_path: Path):
    await start(client)  # a client that does not resolve: the edit comes with the action
    uri = (tmp_path / "x.prompts").as_uri()
    text = "# mjprompt: disable-next-line MJ101\na cat —ar 3:2\n"
    await _open(client, uri, text)
    (fix_all,) = await _actions(client, uri, 0, only=[types.CodeActionKind.SourceFixAll])
    fixed = apply_text_edits(text, [_data(e) for e in _edits_of(fix_all, uri)])
    assert fixed == "a cat --ar 3:2\n"


@pytest.mark.parametrize(
    ("config", "options", "shown"),
    [
        ("", None, 3),
        ('extend-ignore = ["MJ901"]\n', None, 0),
        ('extend-ignore = ["unused-suppression"]\n', None, 0),
        ("", {"ignore": ["MJ901"]}, 0),
        ("", {"select": ["MJ3"]}, 0),
        # MJ901 runs, but MJ101 and MJ5 do not: a comment naming them is not reported
        # (another selection may need it), as in check
        ("", {"select": ["MJ3", "MJ901"]}, 0),
        ("", {"select": ["MJ1", "MJ3", "MJ901"]}, 2),
    ],
)
async def test_unused_suppressions_follow_the_rule_choice(
    client: LanguageClient, tmp_path: Path, config: str, options: dict | None, shown: int
):
    (tmp_path / "mjprompt.toml").write_text(config)
    await start(client, options)
    path = tmp_path / "x.prompts"
    found = await _open(client, path.as_uri(), UNUSED)
    assert [d["code"] for d in found].count("MJ901") == shown
    # what `mjprompt check` says with the same configuration and options
    path.write_text(UNUSED)
    args = [f"--{k}={','.join(v)}" for k, v in (options or {}).items()]
    assert [code for code, _ in _check(path, *args)].count("MJ901") == shown


async def test_a_huge_file_shows_the_findings_around_the_edit(
    client: LanguageClient, tmp_path: Path
):
    await start(client, {"maxDiagnostics": 600})
    uri = (tmp_path / "x.prompts").as_uri()
    found = await _open(client, uri, "a cat --foo 1\n" * 2000)
    *shown, note = found
    assert {d["range"]["start"]["line"] for d in shown} == set(range(512))
    assert "2,000 findings" in note["message"] and "lines 1-512" in note["message"]
    assert note["range"]["start"] == {"line": 0, "character": 0}

    edit = types.TextEdit(types.Range(types.Position(1500, 6), types.Position(1500, 11)), "--bar")
    *shown, note = await _edit(client, uri, 2, [edit])
    assert {d["range"]["start"]["line"] for d in shown} == set(range(1024, 1536))
    assert "`--bar`" in next(d["message"] for d in shown if d["range"]["start"]["line"] == 1500)
    assert "lines 1,025-1,536" in note["message"]


async def test_no_limit_shows_every_finding(client: LanguageClient, tmp_path: Path):
    await start(client, {"maxDiagnostics": 0})
    uri = (tmp_path / "x.prompts").as_uri()
    found = await _open(client, uri, "a cat --foo 1\n" * 12_000)
    assert len(found) == 12_000


async def test_a_json_prompt_file(client: LanguageClient, tmp_path: Path):
    await start(client)
    uri = (tmp_path / "x.prompts.json").as_uri()
    text = '[\n  {"prompt": "🐈 猫 \\u00e9 —ar 2:3"},\n  "a dog --foo 1"\n]\n'
    found = await _open(client, uri, text, language="json")
    assert _codes(found) == [("MJ103", 1), ("MJ301", 2)]
    assert text_at(text, found[0]["range"]) == "—ar"
    (fix_all,) = await _actions(client, uri, 0, only=[types.CodeActionKind.SourceFixAll])
    fixed = apply_text_edits(text, [_data(e) for e in _edits_of(fix_all, uri)])
    assert fixed == text.replace("—ar", "--ar")  # the escape is kept as written


async def test_the_shown_findings_follow_the_cursor(client: LanguageClient, tmp_path: Path):
    await start(client, {"maxDiagnostics": 600})
    uri = (tmp_path / "x.prompts").as_uri()
    await _open(client, uri, "a cat --foo 1\n" * 2000)
    # What an editor asks when the cursor gets there; the new diagnostics are sent
    # before the answer, so the client has them once it has the answer.
    await _actions(client, uri, 1700)
    *shown, note = [_data(d) for d in client.diagnostics[uri]]
    assert {d["range"]["start"]["line"] for d in shown} == set(range(1536, 2000))
    assert "lines 1,537-2,001" in note["message"]


async def test_a_pulling_client_is_asked_to_pull_where_the_cursor_went(
    client: LanguageClient, tmp_path: Path
):
    await start(client, {"maxDiagnostics": 600}, pull=True)
    uri = (tmp_path / "x.prompts").as_uri()
    await _open(client, uri, "a cat --foo 1\n" * 2000, wait=False)
    params = types.DocumentDiagnosticParams(_doc(uri))
    first = await client.text_document_diagnostic_async(params)
    assert isinstance(first, types.RelatedFullDocumentDiagnosticReport)
    assert max(d.range.start.line for d in first.items) == 511
    await _actions(client, uri, 10)  # inside the lines shown: nothing changes
    await _actions(client, uri, 1700)
    assert client.diagnostic_refresh_count == 1
    params.previous_result_id = first.result_id
    moved = await client.text_document_diagnostic_async(params)
    assert isinstance(moved, types.RelatedFullDocumentDiagnosticReport)
    assert {d.range.start.line for d in moved.items[:-1]} == set(range(1536, 2000))
