"""A real LSP client (pytest-lsp) talking to ``mjprompt lsp`` over stdio."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "mjprompt", "lsp", "--stdio"]


def capabilities(*, pull: bool = False, resolve: bool = False) -> types.ClientCapabilities:
    """A client that pushes diagnostics (or pulls them), with UTF-16 positions."""
    text = types.TextDocumentClientCapabilities(
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True),
        diagnostic=types.DiagnosticClientCapabilities() if pull else None,
        code_action=types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"])
            if resolve
            else None
        ),
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
    )
    workspace = types.WorkspaceClientCapabilities(
        diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    )
    return types.ClientCapabilities(text_document=text, workspace=workspace)


async def start(
    client: LanguageClient, options: Any = None, **caps: bool
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(capabilities=capabilities(**caps), initialization_options=options)
    )


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """A client connected to a fresh server; the test initializes it."""
    yield
    await lsp_client.shutdown_session()
