"""The pre-commit hooks, installed by ``pre-commit try-repo`` from this checkout.

``try-repo`` clones the checkout and installs it with pip into a new virtualenv. Tests
have no network, so pip gets everything from a wheelhouse this test builds first:
every distribution the install needs (mjprompt's runtime dependencies and the build
backend named in pyproject.toml, with their own dependencies) is repacked into a wheel
from the files of this environment's installed copy. ``PIP_NO_INDEX`` then keeps pip
off the network. Should a build requirement not be installed here, pip may use the
package index for it alone (the test says so in its output).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as md
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from mjprompt.cli.config import toml_module
from mjprompt.cli.discovery import DEFAULT_INCLUDE, matches

ROOT = Path(__file__).resolve().parents[2]

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _needed(requirements: list[str]) -> tuple[list[md.Distribution], list[str]]:
    """Installed distributions satisfying ``requirements`` recursively, and the missing."""
    found: dict[str, md.Distribution] = {}
    missing: list[str] = []
    todo = list(requirements)
    while todo:
        req = Requirement(todo.pop())
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        key = _normalize(req.name)
        if key in found or key == "mjprompt":
            continue
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            missing.append(req.name)
            continue
        found[key] = dist
        todo.extend(dist.requires or [])
    return list(found.values()), missing


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def _repack(dist: md.Distribution, wheelhouse: Path) -> Path:
    """A wheel holding the installed files of ``dist`` (console scripts are regenerated)."""
    name = _normalize(dist.metadata["Name"])
    wheel_info = next(f for f in dist.files or [] if f.name == "WHEEL" and "dist-info" in str(f))
    tag = next(
        line.split(":", 1)[1].strip()
        for line in wheel_info.read_text().splitlines()
        if line.startswith("Tag:")
    )
    target = wheelhouse / f"{name}-{dist.version}-{tag}.whl"
    records = []
    dist_info = wheel_info.parent
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in dist.files or []:
            parts = file.parts
            if parts[0] == ".." or "__pycache__" in parts or file.suffix == ".pyc":
                continue
            if file.parent == dist_info and file.name in (
                "RECORD",
                "INSTALLER",
                "REQUESTED",
                "direct_url.json",
            ):
                continue
            data = Path(str(dist.locate_file(file))).read_bytes()
            zf.writestr(file.as_posix(), data)
            records.append(f"{file.as_posix()},{_record_hash(data)},{len(data)}")
        record = f"{dist_info.as_posix()}/RECORD"
        zf.writestr(record, "\n".join([*records, f"{record},,"]) + "\n")
    return target


def build_wheelhouse(wheelhouse: Path) -> list[str]:
    """Wheels for an offline ``pip install`` of this checkout; returns what is missing."""
    wheelhouse.mkdir()
    project = toml_module().loads((ROOT / "pyproject.toml").read_text("utf-8"))
    wanted = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
    dists, missing = _needed(wanted)
    for dist in dists:
        _repack(dist, wheelhouse)
    return missing


def _git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _try_repo(work: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--files", *files],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_hooks_fail_on_a_bad_prompt_file_and_pass_once_fixed(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.fail(f"try-repo needs a git checkout at {ROOT}")
    missing = build_wheelhouse(tmp_path / "wheels")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PRE_COMMIT", "GIT_"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PIP_FIND_LINKS=str(tmp_path / "wheels"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    if missing:
        print(f"not installed here, pip may fetch from the index: {', '.join(missing)}")
    else:
        env["PIP_NO_INDEX"] = "1"
    work = tmp_path / "work"
    (work / "prompts").mkdir(parents=True)
    bad = work / "prompts" / "cats.txt"
    bad.write_bytes("# cats\r\na cat –ar 16:9\r\nfine --ar 1:1\r\n".encode())
    _git("init", "-q", cwd=work, env=env)
    _git("add", ".", cwd=work, env=env)

    # check fails on the en dash; fix repairs the file (and fails: it changed it).
    first = _try_repo(work, env, "prompts/cats.txt")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert re.search(r"mjprompt check\.+Failed", output), output
    assert "prompts/cats.txt:2:7: MJ101" in output
    assert re.search(r"mjprompt fix\.+Failed", output), output
    assert bad.read_bytes() == b"# cats\r\na cat --ar 16:9\r\nfine --ar 1:1\r\n"

    # On the fixed file every hook passes.
    _git("add", ".", cwd=work, env=env)
    second = _try_repo(work, env, "prompts/cats.txt")
    output = second.stdout + second.stderr
    assert second.returncode == 0, output
    for hook in HOOKS:
        assert re.search(rf"{hook['name']}\.+Passed", output), output


def _env(tmp_path: Path) -> dict[str, str]:
    missing = build_wheelhouse(tmp_path / "wheels")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PRE_COMMIT", "GIT_"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PIP_FIND_LINKS=str(tmp_path / "wheels"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    if not missing:
        env["PIP_NO_INDEX"] = "1"
    return env


FILES = ("--files", "prompts.txt", "legacy/prompts.txt")


@pytest.mark.slow
def test_hook_on_natural_names_with_force_exclude_and_a_suppressed_line(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.fail(f"try-repo needs a git checkout at {ROOT}")
    env = _env(tmp_path)
    work = tmp_path / "work"
    (work / "legacy").mkdir(parents=True)
    (work / "mjprompt.toml").write_text('exclude = ["legacy"]\n', encoding="utf-8")
    (work / "prompts.txt").write_text(
        "# mjprompt: disable-next-line MJ101\na cat –ar 16:9\na dog –ar 2:3\n", encoding="utf-8"
    )
    (work / "legacy" / "prompts.txt").write_text("an owl –ar 1:1\n", encoding="utf-8")
    _git("init", "-q", cwd=work, env=env)
    _git("add", ".", cwd=work, env=env)
    run = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "mjprompt-check", *FILES],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "prompts.txt:3:7: MJ101 error" in output  # the hook ran on the natural name
    assert "prompts.txt:2:" not in output  # the suppressed line
    assert "legacy/prompts.txt" not in output  # excluded, although pre-commit named it
    assert "Found: 1 error (2 prompts in 1 input)" in output


def test_manifest_has_a_check_and_a_fix_hook():
    by_id = {h["id"]: h for h in HOOKS}
    # --force-exclude: pre-commit names every staged file, `exclude` must still apply.
    assert by_id["mjprompt-check"]["entry"] == "mjprompt check --force-exclude"
    assert by_id["mjprompt-fix"]["entry"] == "mjprompt fix --force-exclude"
    assert all(h["language"] == "python" for h in HOOKS)


@pytest.mark.parametrize(
    "path",
    [
        "a.prompt",
        "prompts.txt",
        "x/prompts.jsonl",
        "prompts.json",
        "prompts/a.jsonl",
        "my_prompts.txt",
        "x/a.prompts",
        "a.prompts.txt",
        "a.prompts.jsonl",
        "d/a.prompts.json",
        "prompts/a.txt",
        "x/prompts/a.txt",
        "prompts/x/a.txt",
        "a.txt",
        "a.json",
        "a.prompt.bak",
        "myprompts/a.txt",
        "a.jsonl",
    ],
)
def test_hook_files_pattern_matches_the_directory_walk(path):
    # The hooks' `files:` regex and `mjprompt check DIR` must pick the same files.
    for hook in HOOKS:
        assert bool(re.search(hook["files"], path)) is matches(path, DEFAULT_INCLUDE), path
