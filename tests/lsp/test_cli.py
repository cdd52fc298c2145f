"""`mjprompt lsp` from the command line, and a core install that never imports pygls."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import mjprompt
import mjprompt.cli
# The plain modules of the server: everything but the pygls wiring.
import mjprompt.lsp.actions, mjprompt.lsp.completion, mjprompt.lsp.document
import mjprompt.lsp.edits, mjprompt.lsp.hover, mjprompt.lsp.settings
from mjprompt.cli import main
code = main(["check", "-p", "a cat --ar 16:9"])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"pygls", "lsprotocol", "cattrs"})
print("CODE", code)
print("LOADED", ",".join(loaded))
"""

NO_PYGLS = """
import sys
sys.modules["pygls"] = None  # as if the [lsp] extra were not installed
from mjprompt.cli import main
raise SystemExit(main(["lsp"]))
"""


def _run(code: str, tmp_path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )


def test_the_core_and_the_plain_lsp_modules_do_not_import_the_lsp_libraries(tmp_path):
    proc = _run(PROBE, tmp_path)
    out = proc.stdout.splitlines()
    assert "CODE 0" in out, proc.stderr
    assert "LOADED " in out, out


def test_without_the_extra_lsp_says_what_to_install(tmp_path):
    proc = _run(NO_PYGLS, tmp_path)
    assert proc.returncode == 2
    assert "pip install 'mjprompt[lsp]'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_lsp_is_listed_in_help(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mjprompt", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "lsp" in proc.stdout
    assert "language server" in proc.stdout


def test_a_malformed_message_is_one_line_on_stderr(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mjprompt", "lsp"],
        input=b"Content-Length: 5\r\n\r\n{bad}",
        cwd=tmp_path,
        capture_output=True,
        check=False,
        timeout=60,
    )
    err = proc.stderr.decode()
    assert "Traceback" not in err
    assert "mjprompt lsp: error: Unable to handle message: JSONDecodeError" in err
    assert b"window/showMessage" in proc.stdout  # the client is told too
