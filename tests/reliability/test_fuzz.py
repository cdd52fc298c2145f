"""The fuzz target's properties hold on its seeds and on real prompts, and the target
runs under atheris (``.ci/run`` fuzzes it for 60 s; docs/reliability.md)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

FUZZ = Path(__file__).resolve().parents[2] / "fuzz"


def _target() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_prompt", FUZZ / "fuzz_prompt.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TARGET = _target()
SEEDS = sorted((FUZZ / "seeds").iterdir())


def test_the_seeds_cover_both_modes_and_every_file_kind() -> None:
    flags = {seed.read_bytes()[0] for seed in SEEDS}
    assert any(not f & 2 for f in flags)  # prompts
    assert {TARGET.KINDS[(f >> 2) & 3] for f in flags if f & 2} == {"text", "jsonl", "json"}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_every_seed_passes_the_properties(seed: Path) -> None:
    TARGET.check(seed.read_bytes())


def test_the_properties_catch_a_broken_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    """The target is not vacuous: a fix that adds an error is a finding."""
    import mjprompt

    real_fix = mjprompt.fix

    def broken(text: str, **kwargs: object) -> object:
        result = real_fix(text, **kwargs)  # type: ignore[arg-type]
        from mjprompt.lint import FixResult

        worse = result.text + " \u2013ar"
        return FixResult(worse, result.applied, tuple(mjprompt.lint(worse)))

    monkeypatch.setattr(mjprompt, "fix", broken)
    with pytest.raises(AssertionError):
        TARGET.check(b"\x00a cat --ar 2:3")


def test_real_prompts_pass_the_properties(corpus: list[str]) -> None:
    for prompt in corpus[::40]:  # every 40th of the 2,067: about 50
        TARGET.check(b"\x00" + prompt.encode("utf-8", "surrogatepass"))


@pytest.mark.slow
def test_the_target_runs_under_atheris(tmp_path: Path) -> None:
    # atheris is in the dev extra (Linux): a missing one is a broken install, not a skip.
    if sys.platform == "linux":
        import atheris  # noqa: F401
    else:
        pytest.skip("atheris has wheels for Linux only")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            str(FUZZ / "fuzz_prompt.py"),
            "-runs=300",
            # a finding is written under tmp_path, not into the working directory
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
            str(FUZZ / "seeds"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Done 300 runs" in proc.stderr
