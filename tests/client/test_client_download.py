"""download: atomic files named by task id and index, the right extension, the sidecar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mjprompt.client import DownloadError, Task

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 40
WEBP = b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x02" * 30
GIF = b"GIF89a" + b"\x03" * 30


def _task(kit: Any, urls: list[str], status: str = "completed") -> Task:
    return Task.from_json(kit.task_json(status, 100, results=urls))


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_download_saves_every_image_and_a_sidecar(
    driver: Any, api: Any, kit: Any, tmp_path: Path
) -> None:
    api.on("GET", "/r/0", httpx.Response(200, content=PNG, headers={"content-type": "image/png"}))
    api.on("GET", "/r/1", httpx.Response(200, content=JPEG))
    api.on("GET", "/r/2.webp", httpx.Response(200, content=WEBP))
    api.on("GET", "/r/3", httpx.Response(200, content=PNG, headers={"content-type": "image/gif"}))
    urls = [
        "https://cdn.example/r/0?sig=abc",
        "https://cdn.example/r/1",
        "https://cdn.example/r/2.webp",
        "https://cdn.example/r/3",
    ]
    task = _task(kit, urls)
    payload = {"model": "mj-v7", "prompt": "a cat"}
    paths = driver("download", task, tmp_path / "out", prompt="a cat --fast", payload=payload)
    tid = kit.TASK_ID
    assert [p.name for p in paths] == [
        f"{tid}-0.png",
        f"{tid}-1.jpg",
        f"{tid}-2.webp",
        f"{tid}-3.png",  # the bytes decide, not the Content-Type
    ]
    assert paths[0].read_bytes() == PNG
    assert paths[1].read_bytes() == JPEG
    assert _listing(tmp_path / "out") == sorted([p.name for p in paths] + [f"{tid}.json"])
    sidecar = json.loads((tmp_path / "out" / f"{tid}.json").read_text("utf-8"))
    assert sidecar["prompt"] == "a cat --fast"
    assert sidecar["payload"] == payload
    assert sidecar["task"]["id"] == tid
    assert sidecar["task"]["results"] == urls
    assert sidecar["images"] == [p.name for p in paths]
    for request in api.requests:
        assert "Authorization" not in request.headers  # the key never goes to the media host
    assert kit.KEY not in json.dumps(sidecar)


@pytest.mark.parametrize(
    ("path", "content", "ctype"),
    [
        ("/a", b"xxxx", "image/webp"),  # a Content-Type alone used to name it .webp
        ("/b.jpeg", b"yyyy", None),  # the link's name alone used to name it .jpg
        ("/c.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        ("/d", GIF, "image/gif"),  # not one of the documented formats
    ],
)
def test_only_png_jpeg_webp_bytes_are_saved_as_images(
    driver: Any, api: Any, kit: Any, tmp_path: Path, path: str, content: bytes, ctype: str | None
) -> None:
    # Issue 12 item 8: the content is sniffed; nothing else gets an image extension.
    headers = {"content-type": ctype} if ctype else {}
    api.on("GET", path, httpx.Response(200, content=content, headers=headers))
    with pytest.raises(DownloadError, match="did not return a PNG, JPEG or WebP image"):
        driver("download", _task(kit, [f"https://c.example{path}"]), tmp_path)
    assert _listing(tmp_path) == []


def test_truncated_download_leaves_nothing_that_looks_complete(
    driver: Any, api: Any, kit: Any, tmp_path: Path
) -> None:
    cut = httpx.Response(200, content=PNG[:20], headers={"content-length": str(len(PNG))})
    api.on("GET", "/r/0", cut)
    with pytest.raises(DownloadError, match="cut short"):
        driver("download", _task(kit, ["https://cdn.example/r/0"]), tmp_path)
    assert _listing(tmp_path) == []
    assert api.count("GET") == 4  # retried like a dropped connection


def test_truncated_once_then_complete(driver: Any, api: Any, kit: Any, tmp_path: Path) -> None:
    cut = httpx.Response(200, content=PNG[:20], headers={"content-length": str(len(PNG))})
    api.on("GET", "/r/0", cut, httpx.Response(200, content=PNG))
    (path,) = driver("download", _task(kit, ["https://cdn.example/r/0"]), tmp_path)
    assert path.read_bytes() == PNG
    assert _listing(tmp_path) == sorted([path.name, f"{kit.TASK_ID}.json"])


def test_dropped_connection_midway_is_retried(
    driver: Any, api: Any, kit: Any, tmp_path: Path
) -> None:
    api.on(
        "GET", "/r/0", httpx.RemoteProtocolError("peer closed"), httpx.Response(200, content=PNG)
    )
    (path,) = driver("download", _task(kit, ["https://cdn.example/r/0"]), tmp_path)
    assert path.name == f"{kit.TASK_ID}-0.png"


class _Exploding(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield PNG[:10]
        raise RuntimeError("disk on fire")

    async def __aiter__(self) -> Any:
        yield PNG[:10]
        raise RuntimeError("disk on fire")


def test_interrupted_write_removes_the_temporary_file(
    driver: Any, api: Any, kit: Any, tmp_path: Path
) -> None:
    api.on("GET", "/r/0", lambda request: httpx.Response(200, stream=_Exploding()))
    with pytest.raises(RuntimeError, match="disk on fire"):
        driver("download", _task(kit, ["https://cdn.example/r/0"]), tmp_path)
    assert _listing(tmp_path) == []


def test_stale_part_files_are_cleaned(driver: Any, api: Any, kit: Any, tmp_path: Path) -> None:
    stale = tmp_path / f".{kit.TASK_ID}-0.deadbeef.part"
    stale.write_bytes(b"half")
    other = tmp_path / "keep-me.txt"
    other.write_text("x")
    api.on("GET", "/r/0", httpx.Response(200, content=PNG))
    driver("download", _task(kit, ["https://cdn.example/r/0"]), tmp_path)
    assert not stale.exists()
    assert other.exists()


@pytest.mark.parametrize("status", [403, 404, 410])
def test_expired_link(driver: Any, api: Any, kit: Any, tmp_path: Path, status: int) -> None:
    api.on("GET", "/r/0", httpx.Response(status, text="gone"))
    with pytest.raises(DownloadError, match="expired"):
        driver("download", _task(kit, ["https://cdn.example/r/0?token=SECRETTOKEN"]), tmp_path)
    assert api.count("GET") == 1


def test_error_messages_do_not_show_link_tokens(
    driver: Any, api: Any, kit: Any, tmp_path: Path
) -> None:
    api.on("GET", "/r/0", httpx.Response(404))
    with pytest.raises(DownloadError) as info:
        driver("download", _task(kit, ["https://cdn.example/r/0?token=SECRETTOKEN"]), tmp_path)
    assert "SECRETTOKEN" not in str(info.value)


def test_transient_media_errors_are_retried(
    driver: Any, api: Any, kit: Any, tmp_path: Path, fake_time: Any
) -> None:
    api.on(
        "GET",
        "/r/0",
        httpx.Response(503, headers={"Retry-After": "3"}),
        httpx.Response(200, content=PNG),
    )
    (path,) = driver("download", _task(kit, ["https://cdn.example/r/0"]), tmp_path)
    assert path.exists()
    assert fake_time.sleeps == [3.0]


def test_html_instead_of_an_image(driver: Any, api: Any, kit: Any, tmp_path: Path) -> None:
    page = httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"})
    api.on("GET", "/r/0", page)
    with pytest.raises(DownloadError, match="not return a PNG, JPEG or WebP image"):
        driver("download", _task(kit, ["https://cdn.example/r/0"]), tmp_path)
    assert _listing(tmp_path) == []


def test_unfinished_task_has_nothing_to_download(driver: Any, kit: Any, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="processing"):
        driver("download", _task(kit, [], status="processing"), tmp_path)


def test_non_http_result_link(driver: Any, kit: Any, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="not an http"):
        driver("download", _task(kit, ["file:///etc/passwd"]), tmp_path)


def test_download_by_task_id_fetches_the_task(
    driver: Any, api: Any, kit: Any, tmp_path: Path
) -> None:
    api.on(
        "GET",
        f"/v1/tasks/{kit.TASK_ID}",
        kit.ok(kit.task_json("completed", 100, results=["https://cdn.example/r/0"])),
    )
    api.on("GET", "/r/0", httpx.Response(200, content=PNG))
    (path,) = driver("download", kit.TASK_ID, tmp_path)
    assert path.read_bytes() == PNG


def test_completed_without_results_writes_only_the_sidecar(
    driver: Any, kit: Any, tmp_path: Path
) -> None:
    assert driver("download", _task(kit, []), tmp_path) == []
    assert _listing(tmp_path) == [f"{kit.TASK_ID}.json"]


def test_unwritable_directory(driver: Any, kit: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DownloadError, match="file"):
        driver("download", _task(kit, ["https://cdn.example/r/0"]), blocker / "sub")
