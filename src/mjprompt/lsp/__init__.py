"""``mjprompt lsp``: a language server for prompt files (text, JSON Lines, JSON).

The server itself (:mod:`mjprompt.lsp.server`) needs the optional ``[lsp]`` extra
(``pygls`` and ``lsprotocol``). Every other module of this package is plain Python with
no LSP library in it (positions, the document model, diagnostics, code actions, hover,
completion, formatting), so it is tested and reused without a client, and
``import mjprompt`` or ``mjprompt.cli`` never imports pygls.
"""

from __future__ import annotations

__all__: list[str] = []
