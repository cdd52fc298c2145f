"""End to end: a real LSP client (pytest-lsp) drives ``mjprompt lsp`` over stdio."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from lsprotocol.converters import get_converter
from pytest_lsp import LanguageClient

from .conftest import capabilities, start
from .helpers import apply_text_edits, text_at

pytestmark = pytest.mark.asyncio

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
TEXT = "# prompts\n🐈 猫 —ar 3:2 --foo 1\na cat --AR 1:1   --s 200\n"
_CONVERTER = get_converter()


def _data(obj: object) -> dict:
    data: dict = _CONVERTER.unstructure(obj)
    return data


def _doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def _open(
    client: LanguageClient, uri: str, text: str, *, wait: bool = True, language: str = "mjprompt"
) -> list[dict]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
    )
    if not wait:
        return []
    await client.wait_for_notification(PUBLISH)
    return [_data(d) for d in client.diagnostics[uri]]


async def _edit(client: LanguageClient, uri: str, version: int, edits: list) -> list[dict]:
    """Send edits (bottom-up, as a client applies them) and wait for the new diagnostics."""
    ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))
    changes = [
        types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
        for e in reversed(ordered)
    ]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), changes
        )
    )
    await client.wait_for_notification(PUBLISH)
    return [_data(d) for d in client.diagnostics[uri]]


async def test_a_session(client: LanguageClient, tmp_path: Path):
    await start(client)
    uri = (tmp_path / "x.prompts").as_uri()

    # Diagnostics, with UTF-16 ranges past an emoji and a CJK character.
    found = await _open(client, uri, TEXT)
    by_code = {d["code"]: d for d in found}
    assert set(by_code) == {"MJ103", "MJ301", "MJ106"}
    assert by_code["MJ103"]["range"] == {
        "start": {"line": 1, "character": 5},
        "end": {"line": 1, "character": 8},
    }
    assert text_at(TEXT, by_code["MJ301"]["range"]) == "--foo"
    assert by_code["MJ103"]["codeDescription"]["href"].endswith("rules.md#mj103")

    # A quick fix, applied through its edit, removes the finding.
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=_doc(uri),
            range=types.Range(types.Position(1, 5), types.Position(1, 5)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and "MJ103" in a.title)
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.edit is not None and fix.edit.changes is not None
    edits = fix.edit.changes[uri]
    text = apply_text_edits(TEXT, [_data(e) for e in edits])
    assert text.splitlines()[1] == "🐈 猫 --ar 3:2 --foo 1"
    found = await _edit(client, uri, 2, edits)
    assert {d["code"] for d in found} == {"MJ301", "MJ106"}
    mj301 = next(d for d in found if d["code"] == "MJ301")
    assert text_at(text, mj301["range"]) == "--foo"

    # Hover on `--s`: the parameter's facts and the profile's verdict.
    hover = await client.text_document_hover_async(
        types.HoverParams(_doc(uri), types.Position(2, 18))
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert "`--stylize`" in hover.contents.value
    assert "0–1000" in hover.contents.value

    # Completion right after the `--` of `--foo` on the emoji line: UTF-16 column 16 is
    # code point 15 there (the cat is two units).
    completion = await client.text_document_completion_async(
        types.CompletionParams(_doc(uri), types.Position(1, 16))
    )
    assert completion is not None
    labels = {i.label for i in (completion.items if hasattr(completion, "items") else completion)}
    assert {"aspect", "ar", "stylize"} <= labels

    # Formatting the whole document.
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(_doc(uri), types.FormattingOptions(2, True))
    )
    assert edits is not None
    formatted = apply_text_edits(text, [_data(e) for e in edits])
    assert formatted.splitlines()[2] == "a cat --ar 1:1 --stylize 200"
    assert formatted.splitlines()[0] == "# prompts"


async def test_capabilities(client: LanguageClient):
    result = await start(client)
    caps = result.capabilities
    assert isinstance(caps.text_document_sync, types.TextDocumentSyncOptions)
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert isinstance(caps.diagnostic_provider, types.DiagnosticOptions)
    assert isinstance(caps.code_action_provider, types.CodeActionOptions)
    kinds = set(caps.code_action_provider.code_action_kinds or ())
    assert {"quickfix", "quickfix.unsafe", "source.fixAll.mjprompt"} <= kinds
    assert caps.document_formatting_provider
    assert caps.document_range_formatting_provider
    assert caps.hover_provider
    assert caps.completion_provider is not None


async def test_range_formatting_and_fix_all(client: LanguageClient, tmp_path: Path):
    await start(client, resolve=True)
    uri = (tmp_path / "x.prompts").as_uri()
    text = "a  cat —ar 3:2\nb  dog --AR 1:1\n"
    await _open(client, uri, text)
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            _doc(uri),
            types.Range(types.Position(1, 0), types.Position(2, 0)),
            types.FormattingOptions(2, True),
        )
    )
    assert edits is not None
    assert apply_text_edits(text, [_data(e) for e in edits]) == "a  cat —ar 3:2\nb dog --ar 1:1\n"

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            _doc(uri),
            types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.SourceFixAll]),
        )
    )
    assert actions is not None
    (lazy,) = actions
    assert isinstance(lazy, types.CodeAction)
    assert lazy.kind == "source.fixAll.mjprompt"
    assert lazy.edit is None  # resolved on demand
    resolved = await client.code_action_resolve_async(lazy)
    assert resolved.edit is not None and resolved.edit.changes is not None
    fixed = apply_text_edits(text, [_data(e) for e in resolved.edit.changes[uri]])
    assert fixed == "a  cat --ar 3:2\nb  dog --ar 1:1\n"


async def test_pull_diagnostics(client: LanguageClient, tmp_path: Path):
    await start(client, pull=True)
    uri = (tmp_path / "x.jsonl").as_uri()
    text = '{"prompt": "🐈 a cat --foo 1"}\n'
    await _open(client, uri, text, wait=False)
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(_doc(uri)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    (item,) = report.items
    assert item.code == "MJ301"
    assert text_at(text, _data(item.range)) == "--foo"
    again = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(_doc(uri), previous_result_id=report.result_id)
    )
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert uri not in client.diagnostics  # nothing pushed to a pulling client

    # A changed configuration: the client is asked to pull again, and gets new results.
    (tmp_path / "pyproject.toml").write_text('[tool.mjprompt]\nignore = ["MJ301"]\n')
    client.text_document_did_save(types.DidSaveTextDocumentParams(_doc(uri)))
    third = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(_doc(uri), previous_result_id=report.result_id)
    )
    assert isinstance(third, types.RelatedFullDocumentDiagnosticReport)
    assert list(third.items) == []
    assert client.diagnostic_refresh_count == 1


async def test_profile_from_initialization_options(client: LanguageClient, tmp_path: Path):
    await start(client, {"profile": "midjourney"})
    uri = (tmp_path / "x.prompts").as_uri()
    found = await _open(client, uri, "a cat --p abc --foo 1\n")
    assert [d["code"] for d in found] == ["MJ301"]  # no MJ407: `--p` is fine in midjourney


async def test_profile_from_the_project_configuration(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.mjprompt]\nprofile = "midjourney"\n')
    (tmp_path / "sub").mkdir()
    await start(client)
    uri = (tmp_path / "sub" / "x.prompts").as_uri()
    found = await _open(client, uri, "a cat --p abc\n")
    assert found == []
    other = (tmp_path.parent / f"{tmp_path.name}-other.prompts").as_uri()
    found = await _open(client, other, "a cat --p abc\n")
    assert [d["code"] for d in found] == ["MJ407"]


async def test_duplicates_carry_related_information(client: LanguageClient, tmp_path: Path):
    await start(client)
    uri = (tmp_path / "x.prompts").as_uri()
    text = "猫 --ar 1:1 --ar 16:9\n"
    (found,) = await _open(client, uri, text)
    (related,) = found["relatedInformation"]
    assert text_at(text, related["location"]["range"]) == "--ar 1:1"


async def test_closing_clears_the_diagnostics(client: LanguageClient, tmp_path: Path):
    await start(client)
    uri = (tmp_path / "x.prompts").as_uri()
    assert await _open(client, uri, "a cat --foo 1\n")
    client.text_document_did_close(types.DidCloseTextDocumentParams(_doc(uri)))
    await client.wait_for_notification(PUBLISH)
    assert list(client.diagnostics[uri]) == []


async def test_utf8_positions_when_the_client_prefers_them(client: LanguageClient, tmp_path: Path):
    caps = capabilities()
    caps.general = types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
    )
    result = await client.initialize_session(types.InitializeParams(capabilities=caps))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    uri = (tmp_path / "x.prompts").as_uri()
    (found,) = await _open(client, uri, "🐈 猫 --foo 1\n")
    assert found["range"]["start"] == {"line": 0, "character": 4 + 1 + 3 + 1}


async def test_other_plain_text_files_are_left_alone(client: LanguageClient, tmp_path: Path):
    await start(client)
    notes = (tmp_path / "notes.txt").as_uri()
    await _open(client, notes, "a cat --foo 1\n", wait=False, language="plaintext")
    prompts = (tmp_path / "x.prompts").as_uri()
    assert await _open(client, prompts, "a cat --foo 1\n", language="plaintext")
    assert notes not in client.diagnostics


async def test_saving_reads_a_changed_configuration(client: LanguageClient, tmp_path: Path):
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.mjprompt]\nprofile = "evolink"\n')
    await start(client)
    uri = (tmp_path / "x.prompts").as_uri()
    assert [d["code"] for d in await _open(client, uri, "a cat --p abc\n")] == ["MJ407"]
    config.write_text('[tool.mjprompt]\nprofile = "midjourney"\n')
    client.text_document_did_save(types.DidSaveTextDocumentParams(_doc(uri)))
    await client.wait_for_notification(PUBLISH)
    assert list(client.diagnostics[uri]) == []


async def test_a_bad_configuration_is_shown_and_the_defaults_used(
    client: LanguageClient, tmp_path: Path
):
    (tmp_path / "pyproject.toml").write_text('[tool.mjprompt]\nprofile = "v6"\n')
    await start(client)
    uri = (tmp_path / "x.prompts").as_uri()
    assert [d["code"] for d in await _open(client, uri, "a cat --p abc\n")] == ["MJ407"]
    assert any("pyproject.toml" in m.message for m in client.messages)


async def test_suppression_and_configuration_mean_what_they_mean_in_check(
    client: LanguageClient, tmp_path: Path
):
    # One home: the CLI's suppression parser and config resolution. `disable-next-line`
    # covers the next *prompt* line across other comments; a blank line ends it; a
    # malformed code list silences nothing (and is an input error, as in check); a
    # comment that silences nothing is MJ901; per-file-ignores of the nearest
    # mjprompt.toml apply.
    (tmp_path / "mjprompt.toml").write_text('[per-file-ignores]\n"legacy/*" = ["MJ105"]\n')
    (tmp_path / "legacy").mkdir()
    await start(client)
    text = (
        "# mjprompt: disable-next-line MJ301\n"
        "# a note between the comment and its prompt\n"
        "a cat --foo 1\n"
        "# mjprompt: disable-next-line MJ301\n"
        "\n"
        "a dog --foo 1\n"
        "# mjprompt: disable-next-line MJ-301\n"
        "a fox --foo 1\n"
        "a bird --ar16:9\n"
    )
    found = await _open(client, (tmp_path / "x.prompts").as_uri(), text)
    assert [(d.get("code"), d["range"]["start"]["line"]) for d in found] == [
        ("MJ901", 3),
        ("MJ301", 5),
        (None, 6),
        ("MJ301", 7),
        ("MJ105", 8),
    ]
    assert found[2]["message"].startswith("malformed suppression comment: `MJ-301`")
    legacy = await _open(client, (tmp_path / "legacy" / "x.prompts").as_uri(), text)
    assert [(d.get("code"), d["range"]["start"]["line"]) for d in legacy] == [
        ("MJ901", 3),
        ("MJ301", 5),
        (None, 6),
        ("MJ301", 7),
    ]
