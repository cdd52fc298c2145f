"""Code actions: each fix as a quick fix, fix-all, and "disable MJxxx for this line".

Safe fixes are preferred quick fixes; unsafe ones (they may change what the prompt
means, as ``mjprompt fix --unsafe-fixes`` warns) say so in their title and their kind
(``quickfix.unsafe``) and are never preferred. ``source.fixAll.mjprompt`` applies every
safe fix, as ``mjprompt fix`` would. In a text prompt file each finding can also be
silenced with a ``# mjprompt: disable-next-line CODE`` comment above its line; when such
a comment is already there, the code is added to it.
"""

from __future__ import annotations

from typing import Any

from .document import Document, Located
from .edits import fix_all_edits, line_removal, text_edit
from .suppress import NEXT_LINE, add_code, next_line_comment
from .unused import UNUSED_CODE

__all__ = ["FIX_ALL", "QUICKFIX", "UNSAFE", "code_actions", "fix_all_action"]

QUICKFIX = "quickfix"
UNSAFE = "quickfix.unsafe"
FIX_ALL = "source.fixAll.mjprompt"


def _wanted(kind: str, only: list[str] | None) -> bool:
    # `only` lists kinds or their parents: "source" asks for source.fixAll.mjprompt too.
    return only is None or any(kind == o or kind.startswith(o + ".") for o in only)


def _workspace_edit(doc: Document, edits: list[dict[str, Any]]) -> dict[str, Any]:
    return {"changes": {doc.uri: edits}}


def _fix_action(doc: Document, index: int, f: Located) -> dict[str, Any] | None:
    d = f.diagnostic
    if d is None or d.fix is None or not f.edits:
        return None
    safe = d.fix.safe
    title = f"{d.fix.description[:1].upper()}{d.fix.description[1:]} ({d.code})"
    if not safe:
        title = f"{title} [unsafe: may change the prompt's meaning]"
    if f.whole_line:
        edits = [line_removal(doc, index)]
    else:
        edits = [text_edit(doc, index, start, end, new) for start, end, new in f.edits]
    return {
        "title": title,
        "kind": QUICKFIX if safe else UNSAFE,
        "diagnostics": [doc.lsp_diagnostic(index, f)],
        "isPreferred": safe,
        "edit": _workspace_edit(doc, edits),
    }


def _disable_action(doc: Document, index: int, f: Located) -> dict[str, Any] | None:
    code = f.code
    if code is None or code == UNUSED_CODE or doc.kind != "text":
        return None  # an unused suppression comment is not itself suppressed
    above = doc.store.line(index - 1) if index > 0 else ""
    if index > 0 and next_line_comment(above) is not None:
        new = add_code(above, code)
        if new is None:
            return None  # already disabled there
        edit = text_edit(doc, index - 1, 0, len(above), new)
    else:
        eol = doc.store.eols[index] or (doc.store.eols[index - 1] if index > 0 else "") or "\n"
        edit = text_edit(doc, index, 0, 0, f"# mjprompt: {NEXT_LINE} {code}{eol}")
    return {
        "title": f"Disable {code} for this line",
        "kind": QUICKFIX,
        "diagnostics": [doc.lsp_diagnostic(index, f)],
        "edit": _workspace_edit(doc, [edit]),
    }


def code_actions(
    doc: Document,
    start: tuple[int, int],
    end: tuple[int, int],
    only: list[str] | None = None,
    *,
    lazy_fix_all: bool = False,
) -> list[dict[str, Any]]:
    """The actions for the code-point range ``start..end`` (inclusive of its lines).

    With ``lazy_fix_all`` (the client resolves code actions) the fix-all action comes
    without its edit, which :func:`fix_all_action` computes when it is chosen: editors
    ask for code actions at every cursor move, and fixing a whole large file each time
    would be wasted work.
    """
    actions: list[dict[str, Any]] = []
    seen_disable: set[tuple[int, str]] = set()
    for index in range(max(0, start[0]), min(end[0], len(doc.entries) - 1) + 1):
        for f in doc.visible(index):
            lo = start[1] if index == start[0] else 0
            hi = end[1] if index == end[0] else len(doc.store.lines[index])
            if f.end < lo or f.start > hi:
                continue
            fix = _fix_action(doc, index, f)
            if fix is not None and _wanted(fix["kind"], only):
                actions.append(fix)
            key = (index, f.code or "")
            if key not in seen_disable and _wanted(QUICKFIX, only):
                seen_disable.add(key)
                disable = _disable_action(doc, index, f)
                if disable is not None:
                    actions.append(disable)
    if _wanted(FIX_ALL, only) and _has_safe_fix(doc):
        if lazy_fix_all:
            actions.append({"title": FIX_ALL_TITLE, "kind": FIX_ALL, "data": {"uri": doc.uri}})
        else:
            action = fix_all_action(doc)
            if action is not None:
                actions.append(action)
    return actions


FIX_ALL_TITLE = "Fix all safe mjprompt findings"


def _has_safe_fix(doc: Document) -> bool:
    # Editors ask for code actions at every cursor move: the count kept by the document
    # answers "none" for a large file without looking at its lines.
    return (
        doc.safe_fixes > 0
        and any(
            f.diagnostic is not None and f.diagnostic.fix is not None and f.diagnostic.fix.safe
            for index, entry in enumerate(doc.entries)
            if entry.located
            for f in doc.visible(index)
        )
    ) or any(doc.unused_at(index) is not None for index in doc.suppression_lines())


def fix_all_action(doc: Document) -> dict[str, Any] | None:
    """The fix-all action with its edit, or None when nothing changes."""
    edits = fix_all_edits(doc)
    if not edits:
        return None
    return {"title": FIX_ALL_TITLE, "kind": FIX_ALL, "edit": _workspace_edit(doc, edits)}
