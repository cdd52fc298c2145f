"""The language server: pygls wiring of the plain modules of this package.

Documents are kept by this server (:class:`~mjprompt.lsp.document.Document`), not by
pygls's workspace: pygls re-splits the whole text on every incremental change, which
is what a one-line edit of a 100,000-line file must not cost. The protocol subclass
below therefore leaves ``didOpen``/``didChange``/``didClose`` to the handlers here.

Diagnostics use the pull model when the client offers it (``textDocument/diagnostic``)
and are pushed (``textDocument/publishDiagnostics``) otherwise. Both send the
document's pre-serialised diagnostics as they are (:meth:`Document.diagnostics_chunks`,
written by :meth:`MjpromptProtocol._write_raw`) instead of building and converting one
object per diagnostic.

Needs the ``[lsp]`` extra: ``pip install 'mjprompt[lsp]'``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import sys
from collections.abc import Generator
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from .. import __version__
from .actions import FIX_ALL, QUICKFIX, UNSAFE, code_actions, fix_all_action
from .completion import complete
from .document import Document, path_of
from .edits import format_edits
from .hover import hover
from .positions import UTF16, from_units
from .settings import Settings, SettingsError, is_prompt_file, settings_for

__all__ = ["MjpromptServer", "main", "make_server"]

_CONVERTER = get_converter()
# Writes still in flight on an asynchronous transport (kept so they are not collected).
_PENDING: set[asyncio.Future[Any]] = set()


def _to(data: Any, cls: Any) -> Any:
    """Plain LSP JSON data as an lsprotocol object (for pygls to send)."""
    return _CONVERTER.structure(data, cls)


class RawResult:
    """A request's result as JSON text in pieces (sent as they are, not converted)."""

    __slots__ = ("pieces",)

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces


class MjpromptProtocol(LanguageServerProtocol):
    """pygls's protocol without its own copy of the documents (the server keeps them)."""

    def _user(self, method: str, params: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def notify_raw(self, method: str, params: list[bytes]) -> None:
        """Send a notification whose params are JSON text, given as pieces in order."""
        self._write_raw(f'{{"jsonrpc":"2.0","method":{json.dumps(method)},"params":', params)

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: Any | None = None
    ) -> None:
        if error is None and isinstance(result, RawResult):
            self._result_types.pop(msg_id, None)
            self._write_raw(f'{{"jsonrpc":"2.0","id":{json.dumps(msg_id)},"result":', result.pieces)
            return
        super()._send_response(msg_id, result, error)

    def _write_raw(self, start: str, pieces: list[bytes]) -> None:
        """Write one message: ``start``, the JSON pieces in order, and a closing brace.

        The pieces are written one after the other, never joined: the diagnostics of a
        large file are megabytes, kept in blocks by the document.
        """
        if self.writer is None:
            return
        head = start.encode()
        length = len(head) + sum(len(p) for p in pieces) + 1
        header = (
            f"Content-Length: {length}\r\n"
            f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        ).encode("ascii")
        for piece in (header + head, *pieces, b"}"):
            result = self.writer.write(piece)
            if inspect.isawaitable(result):
                future = asyncio.ensure_future(result)
                _PENDING.add(future)
                future.add_done_callback(_PENDING.discard)


class MjpromptServer(LanguageServer):
    """The mjprompt language server."""

    protocol: MjpromptProtocol

    def __init__(self) -> None:
        super().__init__(
            "mjprompt",
            __version__,
            protocol_cls=MjpromptProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.documents: dict[str, Document] = {}
        self.options: dict[str, Any] = {}
        self.pull = False  # the client pulls diagnostics
        self.resolve_edits = False  # the client resolves a code action's edit
        self.refresh = False  # the client can be asked to pull every diagnostic again
        self.generation = 0  # bumped when every document is re-read (settings changed)

    @property
    def encoding(self) -> str:
        """The negotiated position encoding (``utf-16`` unless agreed otherwise)."""
        value = self.workspace.position_encoding
        return str(getattr(value, "value", value) or UTF16)

    def settings(self, path: str | None) -> Settings:
        try:
            return settings_for(path, self.options)
        except SettingsError as exc:
            self.window_show_message(
                types.ShowMessageParams(types.MessageType.Error, f"mjprompt: {exc}")
            )
            return Settings()

    def position(self, doc: Document, pos: types.Position) -> tuple[int, int]:
        """A client position as (line, code-point column)."""
        line = doc.store.line(pos.line)
        return pos.line, from_units(line, pos.character, self.encoding)

    def publish(self, doc: Document) -> None:
        if self.pull:
            return
        head = f'{{"uri":{json.dumps(doc.uri)},"version":{doc.version},"diagnostics":'
        pieces = _array(head, doc.diagnostics_chunks(), "}")
        self.protocol.notify_raw(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, pieces)

    def result_id(self, doc: Document) -> str:
        return f"{self.generation}:{doc.version}:{doc.moves}:{id(doc)}"

    def look_at(self, doc: Document, index: int) -> None:
        """The user is at line ``index``: in a file with more findings than are shown,
        show those around it (sent again, or the client asked to pull again)."""
        if not doc.look_at(index):
            return
        if not self.pull:
            self.publish(doc)
        elif self.refresh:
            self.workspace_diagnostic_refresh(None)


def _array(head: str, chunks: list[bytes], tail: str) -> list[bytes]:
    """``head``, a JSON array of ``chunks`` (each a comma-separated run), ``tail``."""
    pieces = [head.encode() + b"["]
    for i, chunk in enumerate(chunks):
        if i:
            pieces.append(b",")
        pieces.append(chunk)
    pieces.append(b"]" + tail.encode())
    return pieces


def _capability(caps: Any, *path: str) -> Any:
    for name in path:
        caps = getattr(caps, name, None)
        if caps is None:
            return None
    return caps


def make_server() -> MjpromptServer:
    """A server with every feature registered (not started)."""
    server = MjpromptServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: MjpromptServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        ls.options = dict(options) if isinstance(options, dict) else {}
        caps = params.capabilities
        ls.pull = _capability(caps, "text_document", "diagnostic") is not None
        props = _capability(caps, "text_document", "code_action", "resolve_support", "properties")
        ls.resolve_edits = bool(props and "edit" in props)
        ls.refresh = bool(_capability(caps, "workspace", "diagnostics", "refresh_support"))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MjpromptServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        path = path_of(item.uri)
        settings = ls.settings(path)
        if not is_prompt_file(item.language_id, path, settings):
            return  # another plain-text or JSON file: not ours
        doc = Document(item.uri, item.text, item.version, settings, encoding=ls.encoding)
        ls.documents[item.uri] = doc
        ls.publish(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MjpromptServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = ls.position(doc, change.range.start)
                end = ls.position(doc, change.range.end)
                doc.change(start, end, change.text)
            else:
                doc.replace_all(change.text)
        doc.version = params.text_document.version
        ls.publish(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: MjpromptServer, params: types.DidSaveTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        settings = ls.settings(doc.path)
        if settings != doc.settings:  # the configuration changed since the file was opened
            doc.settings = settings
            doc.reload()
            ls.generation += 1
            if ls.pull and ls.refresh:
                ls.workspace_diagnostic_refresh(None)
        ls.publish(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MjpromptServer, params: types.DidCloseTextDocumentParams) -> None:
        doc = ls.documents.pop(params.text_document.uri, None)
        if doc is not None and not ls.pull:
            empty = f'{{"uri":{json.dumps(doc.uri)},"diagnostics":[]}}'
            ls.protocol.notify_raw(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, [empty.encode()])

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="mjprompt", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )
    def diagnostic(
        ls: MjpromptServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport | RawResult:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = ls.result_id(doc)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        # The report as the push sends it: the document's JSON pieces, not converted.
        head = f'{{"kind":"full","resultId":{json.dumps(result_id)},"items":'
        return RawResult(_array(head, doc.diagnostics_chunks(), "}"))

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[QUICKFIX, UNSAFE, FIX_ALL], resolve_provider=True
        ),
    )
    def code_action(
        ls: MjpromptServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        only = [str(k.value if hasattr(k, "value") else k) for k in params.context.only or ()]
        if not only:  # the editor asks at every cursor move: the cursor is there
            ls.look_at(doc, params.range.start.line)
        actions = code_actions(
            doc,
            ls.position(doc, params.range.start),
            ls.position(doc, params.range.end),
            only or None,
            lazy_fix_all=ls.resolve_edits,
        )
        return [_to(a, types.CodeAction) for a in actions]

    @server.feature(types.CODE_ACTION_RESOLVE)
    def resolve(ls: MjpromptServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data if isinstance(action.data, dict) else {}
        doc = ls.documents.get(str(data.get("uri", "")))
        if action.edit is None and doc is not None and action.kind == FIX_ALL:
            full = fix_all_action(doc)
            if full is not None:
                action.edit = _to(full["edit"], types.WorkspaceEdit)
        return action

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: MjpromptServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        found = hover(doc, *ls.position(doc, params.position))
        return None if found is None else _to(found, types.Hover)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["-", " "])
    )
    def completion(
        ls: MjpromptServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        items = complete(doc, *ls.position(doc, params.position))
        return types.CompletionList(
            is_incomplete=False, items=[_to(i, types.CompletionItem) for i in items]
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(
        ls: MjpromptServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        return [_to(e, types.TextEdit) for e in format_edits(doc)]

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    def range_formatting(
        ls: MjpromptServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        first, last = params.range.start.line, params.range.end.line
        if last > first and params.range.end.character == 0:
            last -= 1  # a selection of whole lines ends at the start of the next one
        return [_to(e, types.TextEdit) for e in format_edits(doc, first, last)]

    return server


class _Brief(logging.Formatter):
    """One line per problem on standard error: the message and the exception, no traceback."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message = f"{message}: {type(exc).__name__}: {exc}"
        return f"mjprompt lsp: {record.levelname.lower()}: {message}"


def _logging() -> None:
    # Standard output is the protocol; pygls's own messages (a malformed message from
    # the client, say) go to standard error, briefly unless MJPROMPT_DEBUG asks for more.
    handler = logging.StreamHandler(sys.stderr)
    if not os.environ.get("MJPROMPT_DEBUG"):
        handler.setFormatter(_Brief())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if os.environ.get("MJPROMPT_DEBUG") else logging.WARNING)


def main() -> int:
    """Serve over standard input and output until the client says exit."""
    _logging()
    make_server().start_io()
    return 0
