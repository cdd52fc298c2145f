"""The peer (midjargon) environment: a clear reason when it is missing, and its script."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from peer import PEER_SCRIPT, Peer, PeerUnavailable, ensure_peer


def test_a_missing_environment_is_reported_without_installing(tmp_path: Path) -> None:
    peer = ensure_peer(tmp_path / "venv", install=False)
    assert isinstance(peer, PeerUnavailable)
    assert "not installed" in peer.reason


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for python")
def test_an_unreachable_index_is_the_reason_not_a_crash(tmp_path: Path) -> None:
    # A stand-in interpreter whose pip fails as it does without a package index.
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(
        "#!/bin/sh\n"
        'echo "ERROR: Could not find a version that satisfies the requirement midjargon" >&2\n'
        "exit 1\n"
    )
    python.chmod(0o755)
    peer = ensure_peer(tmp_path / "venv", install=True)
    assert isinstance(peer, PeerUnavailable)
    assert "package index unreachable?" in peer.reason
    assert "Could not find a version" in peer.reason


FAKE_MIDJARGON = """
__version__ = "0.0-fake"

def parse_midjargon_prompt_to_dict(text):
    return {"text": text}

def parse_midjourney_dict(d):
    if "--v 7" in d["text"]:
        raise ValueError("unknown version")
    return d
"""


def test_the_peer_script_measures_the_same_prompts(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "site" / "midjargon"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(FAKE_MIDJARGON)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    corpus = tmp_path / "corpus.jsonl"
    lines = [{"prompt": "a cat --ar 16:9"}, {"prompt": "a dog --v 7"}, {"prompt": "x"}]
    corpus.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    peer = Peer(Path(sys.executable), "0.0-fake", None)
    answer = peer.run(str(corpus), "--repeat", "1")
    assert answer["version"] == "0.0-fake"
    assert answer["prompts"] == 3
    assert answer["rejected"] == 1
    assert answer["errors"] == {"ValueError": 1}
    assert answer["midjargon_rate"] > 0 and answer["regex_rate"] > 0
    limited = peer.run(str(corpus), "--repeat", "1", "--limit", "1")
    assert limited["prompts"] == 1 and limited["rejected"] == 0


def test_a_failing_peer_script_raises_with_its_last_words(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PYTHONPATH", raising=False)
    peer = Peer(Path(sys.executable), "?", None)
    with pytest.raises(RuntimeError, match=r"No module named 'midjargon'"):
        peer.run(str(tmp_path / "missing.jsonl"))
    assert PEER_SCRIPT.is_file()
