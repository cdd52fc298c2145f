"""Language server latency: ``didChange`` to ``publishDiagnostics``, measured by a client.

    python bench/lsp_latency.py [--edits N] [--lines N] [--pull] [--json out.json]

``mjprompt lsp`` runs as a subprocess; this script is its client over stdio, speaking
raw JSON-RPC so that the client's own cost (parsing a large notification) is not
counted. For each workload it opens one document, then makes ``--edits`` one-character
edits, alternating between two texts so the findings change, and times each from
writing the ``didChange`` to having read the whole ``publishDiagnostics`` for that
version (with ``--pull``: to having read the answer to the ``textDocument/diagnostic``
request sent right after it, as an editor that pulls diagnostics does). It reports the
open time, the median, 90th percentile and maximum per edit, the bytes of one publish,
and PASS or FAIL against the target of 20 ms median per edit.

Workloads:

- ``100k lines, mostly clean``: 100,000 prompts, one finding every tenth line;
- ``100k lines, corpus``: the corpus of real prompts repeated to 100,000 lines (about
  one finding per line; the server shows the 10,000 around the edit, its default
  ``maxDiagnostics``);
- ``100k lines, corpus, no limit``: the same with ``maxDiagnostics: 0``, so that every
  edit republishes all ~100,000 findings (~37 MB), as LSP push must: what the limit
  avoids. The server's own work is under a millisecond there; the rest is the pipe;
- ``one 8192-char prompt``: a single prompt of 8192 characters (the longest allowed).

This is a benchmark, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real-prompts.jsonl"
SERVER = [sys.executable, "-m", "mjprompt", "lsp"]
TARGET_MS = 20.0
_VERSION = re.compile(rb'"version":(\d+)')


class Client:
    """A minimal LSP client over the server's pipes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.out: IO[bytes] = self.proc.stdin
        self.inp: IO[bytes] = self.proc.stdout
        self.next_id = 0

    def send(self, method: str, params: Any, *, request: bool = False) -> int:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.out.flush()
        return self.next_id

    def read(self) -> bytes:
        length = 0
        while True:
            line = self.inp.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return self.inp.read(length)

    def wait_response(self, request_id: int) -> bytes:
        while True:
            body = self.read()
            # A large answer (ours) starts with its id: do not scan megabytes for it.
            head = (body[:200] if len(body) > 100_000 else body).replace(b" ", b"")
            if b'"id":%d' % request_id in head and b'"method"' not in head:
                return body

    def wait_published(self, version: int) -> bytes:
        """The body of the publishDiagnostics for ``version`` (the version comes early)."""
        while True:
            body = self.read()
            if b"publishDiagnostics" not in body[:120]:
                continue
            found = _VERSION.search(body, 0, 4096)
            if found is not None and int(found.group(1)) == version:
                return body

    def start(self, options: dict[str, Any], *, pull: bool) -> None:
        text: dict[str, Any] = {"publishDiagnostics": {"relatedInformation": True}}
        if pull:
            text["diagnostic"] = {}
        params = {
            "processId": None,
            "rootUri": None,
            "capabilities": {"textDocument": text},
            "initializationOptions": options,
        }
        rid = self.send("initialize", params, request=True)
        self.wait_response(rid)
        self.send("initialized", {})

    def stop(self) -> None:
        rid = self.send("shutdown", None, request=True)
        self.wait_response(rid)
        self.send("exit", None)
        self.proc.wait(timeout=30)


def mostly_clean(lines: int) -> tuple[str, int, int]:
    """A text, the line to edit and the column of the edit."""
    rows = [
        f"a cat number {n} sitting on a red chair, soft light --ar 16:9 --s {n % 1000}"
        if n % 10
        else f"a dog number {n} --foo {n}"
        for n in range(lines)
    ]
    return "\n".join(rows) + "\n", lines // 2 + 1, 3


def corpus_lines(lines: int) -> tuple[str, int, int] | None:
    if not CORPUS.is_file():
        return None
    with CORPUS.open(encoding="utf-8") as fh:
        prompts = [json.loads(line)["prompt"] for line in fh if line.strip()]
    rows = [prompts[n % len(prompts)].replace("\n", " ") for n in range(lines)]
    return "\n".join(rows) + "\n", lines // 2 + 1, 3


def long_prompt(_lines: int) -> tuple[str, int, int]:
    words = "a serene mountain lake at dawn with mist and pine trees, "
    body = (words * (8192 // len(words) + 1))[: 8192 - len(" --ar 16:9")] + " --ar 16:9"
    assert len(body) == 8192
    return body + "\n", 0, 4096


def run(
    made: tuple[str, int, int], edits: int, options: dict[str, Any], *, pull: bool
) -> dict[str, Any]:
    text, line, column = made
    client = Client()
    client.start(options, pull=pull)
    uri = "file:///bench/big.prompts"

    def diagnostics(version: int) -> bytes:
        if not pull:
            return client.wait_published(version)
        rid = client.send("textDocument/diagnostic", {"textDocument": {"uri": uri}}, request=True)
        return client.wait_response(rid)

    t0 = time.perf_counter()
    client.send(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "mjprompt", "version": 1, "text": text}},
    )
    diagnostics(1)
    opened = time.perf_counter() - t0
    times = []
    sizes = []
    for version in range(2, edits + 2):
        # Alternate: put an em dash in (a finding appears), then take it out again.
        new = "\u2014" if version % 2 == 0 else "-"
        change = {
            "range": {
                "start": {"line": line, "character": column},
                "end": {"line": line, "character": column + 1},
            },
            "text": new,
        }
        t = time.perf_counter()
        client.send(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        body = diagnostics(version)
        times.append(time.perf_counter() - t)
        sizes.append(len(body))
    client.stop()
    times.sort()
    return {
        "open_ms": round(opened * 1000, 1),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p90_ms": round(times[int(len(times) * 0.9) - 1] * 1000, 2),
        "max_ms": round(times[-1] * 1000, 2),
        "publish_bytes": int(statistics.median(sizes)),
    }


Workload = tuple[Callable[[int], tuple[str, int, int] | None], dict[str, Any]]
WORKLOADS: dict[str, Workload] = {
    "100k lines, mostly clean": (mostly_clean, {}),
    "100k lines, corpus": (corpus_lines, {}),
    "100k lines, corpus, no limit": (corpus_lines, {"maxDiagnostics": 0}),
    "one 8192-char prompt": (long_prompt, {}),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--edits", type=int, default=41, help="edits per workload")
    ap.add_argument("--lines", type=int, default=100_000, help="lines of the large files")
    ap.add_argument("--pull", action="store_true", help="the client pulls diagnostics")
    ap.add_argument("--only", help="run the workloads whose name contains this")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    results = {}
    mode = "pull" if args.pull else "push"
    print(f"diagnostics: {mode}; target: median under {TARGET_MS:.0f} ms per edit")
    print(
        f"{'workload':30} {'open':>9} {'median':>9} {'p90':>9} {'max':>9} {'published':>12}"
        "  verdict"
    )
    for name, (make, options) in WORKLOADS.items():
        if args.only and args.only not in name:
            continue
        made = make(args.lines)
        if made is None:
            print(f"{name:30} skipped: corpus not found at {CORPUS}")
            continue
        r = run(made, args.edits, options, pull=args.pull)
        r["verdict"] = "PASS" if r["median_ms"] < TARGET_MS else "FAIL"
        results[name] = r
        print(
            f"{name:30} {r['open_ms']:>7.0f}ms {r['median_ms']:>7.2f}ms {r['p90_ms']:>7.2f}ms "
            f"{r['max_ms']:>7.2f}ms {r['publish_bytes']:>11,}B  {r['verdict']}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
