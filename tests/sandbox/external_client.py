"""A small evolink mj-v7 client written only from the API documentation.

It stands for "somebody else's client": standard library only (``urllib``), nothing
from mjprompt, and it does what the documentation allows rather than what our linter
wants. It sends any extra fields it is given, polls ``GET /v1/tasks/{id}`` every
``poll_interval`` seconds (3 s by default, as evolink's own client does for images),
keeps waiting on any status that is not terminal, and downloads the results.

Usage against a sandbox (see "Test your own evolink client offline" in docs/sandbox.md)::

    python tests/sandbox/external_client.py --base-url http://127.0.0.1:8765 \\
        --key sk-sandbox --out out/ "a lighthouse at dusk --ar 16:9"
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

TERMINAL = ("completed", "failed", "cancelled")

# No proxy: the documentation says nothing about one, and a sandbox is on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ApiError(Exception):
    """A non-2xx answer: the HTTP status and the documented error envelope."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.error = body.get("error", {}) if isinstance(body, dict) else {}
        super().__init__(f"HTTP {status}: {self.error.get('code')}: {self.error.get('message')}")


class TaskFailed(Exception):
    def __init__(self, task: dict[str, Any]) -> None:
        self.task = task
        error = task.get("error") or {}
        super().__init__(f"task {task.get('id')} {task.get('status')}: {error.get('code')}")


class Client:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        poll_interval: float = 3.0,
        timeout: float = 20 * 60,  # "Task timeout: approximately 20 minutes"
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.sleep = sleep

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
            },
        )
        try:
            with _OPENER.open(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = {}
            raise ApiError(e.code, parsed) from None

    def create(self, prompt: str, speed: str = "fast", **extra: Any) -> dict[str, Any]:
        """POST /v1/images/generations; ``extra`` fields are sent as they are."""
        body: dict[str, Any] = {
            "model": "mj-v7",
            "prompt": prompt,
            "model_params": {"speed": speed},
        }
        body.update(extra)
        task: dict[str, Any] = self._call("POST", "/v1/images/generations", body)
        return task

    def get(self, task_id: str) -> dict[str, Any]:
        task: dict[str, Any] = self._call("GET", f"/v1/tasks/{task_id}")
        return task

    def wait(self, task_id: str) -> dict[str, Any]:
        """Poll every ``poll_interval`` seconds until a terminal status."""
        waited = 0.0
        while True:
            task = self.get(task_id)
            if task.get("status") in TERMINAL:
                if task["status"] != "completed":
                    raise TaskFailed(task)
                return task
            if waited >= self.timeout:
                raise TimeoutError(f"task {task_id} still {task.get('status')}")
            self.sleep(self.poll_interval)
            waited += self.poll_interval

    def download(self, task: dict[str, Any], out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        saved = []
        for index, url in enumerate(task.get("results") or []):
            with _OPENER.open(url, timeout=60) as response:
                data = response.read()
            path = out / f"{task['id']}-{index}.png"
            path.write_bytes(data)
            saved.append(path)
        return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prompt")
    parser.add_argument("--base-url", default="https://api.evolink.ai")
    parser.add_argument("--key", required=True)
    parser.add_argument("--speed", default="fast")
    parser.add_argument("--poll", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=Path("."))
    args = parser.parse_args(argv)
    client = Client(args.base_url, args.key, poll_interval=args.poll)
    try:
        task = client.wait(client.create(args.prompt, args.speed)["id"])
    except (ApiError, TaskFailed, TimeoutError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for path in client.download(task, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
