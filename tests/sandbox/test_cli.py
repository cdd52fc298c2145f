"""`mjprompt sandbox`: the real command in a subprocess (and once in-process)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from mjprompt.cli import main
from mjprompt.sandbox import Sandbox, SandboxConfig

GEN = "/v1/images/generations"
CMD = [sys.executable, "-m", "mjprompt", "sandbox"]


@pytest.fixture
def spawn() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(10)


def start(procs: list[subprocess.Popen[str]], *args: str) -> tuple[subprocess.Popen[str], str]:
    p = subprocess.Popen([*CMD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs.append(p)
    assert p.stdout is not None and p.stderr is not None
    first = p.stdout.readline()
    assert first.startswith("sandbox listening on http://127.0.0.1:"), first + p.stderr.read()
    return p, first.split()[-1]


def finish(p: subprocess.Popen[str]) -> tuple[str, str]:
    """The rest of stdout (through the same reader that read the first line) and stderr."""
    p.wait(10)
    assert p.stdout is not None and p.stderr is not None
    return p.stdout.read(), p.stderr.read()


def test_serves_until_sigterm_with_faults_and_a_request_log(
    spawn: list[subprocess.Popen[str]],
) -> None:
    p, url = start(
        spawn,
        "--duration",
        "0",
        "--key",
        "sk-cli-test",
        "--fault",
        f"429,path={GEN},count=1,retry_after=3",
        "--exit-after",
        "60",
    )
    with httpx.Client(
        base_url=url, headers={"Authorization": "Bearer sk-cli-test"}, trust_env=False
    ) as c:
        body = {"model": "mj-v7", "prompt": "a cat --ar 2:1"}
        limited = c.post(GEN, json=body)
        assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
        created = c.post(GEN, json=body)
        assert created.status_code == 200
        task = c.get(f"/v1/tasks/{created.json()['id']}").json()
        assert task["status"] == "completed"  # --duration 0
        assert task["results"][0].startswith(f"{url}/files/")
    p.send_signal(signal.SIGTERM)
    out, err = finish(p)
    assert p.returncode == 0, err
    assert "api key: sk-cli-test" in out
    assert "fault: rate_limit on any method /v1/images/generations*, 1 time(s)" in out
    assert f"POST {GEN} 429 [fault: rate_limit]" in out
    assert f"POST {GEN} 200" in out
    assert "GET /v1/tasks/" in out
    assert out.rstrip().endswith("sandbox stopped")


def test_quiet_serves_without_a_request_log(spawn: list[subprocess.Popen[str]]) -> None:
    p, url = start(spawn, "--quiet", "--exit-after", "60")
    assert httpx.get(url + "/v1/tasks/x", trust_env=False).status_code == 401
    p.send_signal(signal.SIGTERM)
    out, _ = finish(p)
    assert p.returncode == 0
    assert "GET" not in out and "sandbox stopped" in out


def test_exit_after_stops_by_itself(spawn: list[subprocess.Popen[str]]) -> None:
    p, _url = start(spawn, "--exit-after", "0.2")
    out, _ = finish(p)
    assert p.returncode == 0
    assert out.rstrip().endswith("sandbox stopped")


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``main`` in-process: its exit code (argparse's SystemExit included) and stderr."""
    try:
        code = main(["sandbox", *args])
    except SystemExit as e:
        code = int(e.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fault", "explode"], "unknown fault 'explode'"),
        (["--fault", "429,count=x"], "count needs an integer"),
        (["--duration", "-1"], "expected seconds >= 0"),
        (["--callback-delays", "1,x"], "expected a number of seconds"),
        (["--image-size", "5"], "image_long_side must be between 14 and 1024"),
        (["--port", "70000"], "port must be between 0 and 65535"),
        (["--behaviour", "lenient"], "invalid choice: 'lenient'"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_main(args, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_usage_error_from_the_real_command() -> None:
    done = subprocess.run([*CMD, "--fault", "explode"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "argument --fault: unknown fault 'explode'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_busy_port_exits_1_with_a_message() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(
            [*CMD, "--port", str(port)], capture_output=True, text=True, timeout=30
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_in_process_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "--exit-after", "0.1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sandbox listening on http://127.0.0.1:")
    assert "  behaviour: documented\n" in out


@pytest.mark.parametrize("option", ["--behaviour", "--behavior"])
def test_behaviour_option(
    option: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real_start = Sandbox.start

    def start(self: Sandbox) -> Sandbox:
        seen.append(self.config.behaviour)
        return real_start(self)

    monkeypatch.setattr(Sandbox, "start", start)
    assert main(["sandbox", option, "strict", "--exit-after", "0.05", "--quiet"]) == 0
    assert seen == ["strict"]
    assert "  behaviour: strict\n" in capsys.readouterr().out


def test_behaviour_is_checked() -> None:
    with pytest.raises(ValueError, match="behaviour must be one of documented, strict"):
        SandboxConfig(behaviour="lenient")
    assert SandboxConfig().behaviour == "documented"


def test_non_loopback_hosts_are_flagged_without_binding() -> None:
    assert Sandbox(SandboxConfig()).loopback_only
    assert Sandbox(SandboxConfig(host="::1")).loopback_only
    assert Sandbox(SandboxConfig(host="localhost")).loopback_only
    assert not Sandbox(SandboxConfig(host="0.0.0.0")).loopback_only
    assert not Sandbox(SandboxConfig(host="192.168.1.5")).loopback_only
