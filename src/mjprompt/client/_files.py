"""Saving images and sidecars atomically (shared by the sync and async clients).

An image is streamed into a hidden temporary file in the target directory
(``.<task id>-<index>.<random>.part``), checked (the byte count the server announced,
an image signature), flushed to disk, and only then renamed to ``<task id>-<index>.<ext>``.
A failure or an interruption can leave at most a ``.part`` file, which never looks like
a finished image; the next download of the same task removes them. The sidecar
``<task id>.json`` is written the same way, after the images.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .errors import DownloadError, IncompleteDownloadError
from .task import Task

__all__ = ["MAX_IMAGE_BYTES", "ImageSaver", "sidecar_path", "write_sidecar"]

MAX_IMAGE_BYTES = 64 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)
_EXT_BY_TYPE = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
}
_URL_EXTS = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".webp": ".webp", ".gif": ".gif"}


def sniff_extension(head: bytes) -> str | None:
    """The extension an image's first bytes announce (png, jpg, gif, webp)."""
    for magic, ext in _SIGNATURES:
        if head.startswith(magic):
            return ext
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    return None


def choose_extension(head: bytes, content_type: str | None, url: str) -> str:
    """The file extension, from the bytes only: a PNG, JPEG or WebP signature.

    Anything else — an HTML error page, SVG, a GIF, bytes a Content-Type header or the
    link's name merely *call* an image — is refused with DownloadError, so nothing that
    is not an image is ever saved under an image extension.
    """
    sniffed = sniff_extension(head)
    if sniffed in (".png", ".jpg", ".webp"):
        return sniffed
    ctype = (content_type or "").split(";")[0].strip().lower()[:60] or "no content type"
    raise DownloadError(
        f"{url_for_message(url)} did not return a PNG, JPEG or WebP image ({ctype}); not saved"
    )


def url_for_message(url: str) -> str:
    """A result URL without its query (signed links carry tokens)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def image_stem(task_id: str, index: int) -> str:
    return f"{task_id}-{index}"


def sidecar_path(directory: Path, task_id: str) -> Path:
    return directory / f"{task_id}.json"


def remove_stale_parts(directory: Path, task_id: str) -> None:
    """Remove ``.part`` files an interrupted download of this task left behind."""
    for stale in [
        *directory.glob(f".{task_id}-*.part"),
        *directory.glob(f".{task_id}.json.*.part"),
    ]:
        with contextlib.suppress(OSError):
            stale.unlink()


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ImageSaver:
    """Receives one image's bytes and either commits it under its final name or leaves
    nothing that looks complete. Use as a context manager; call :meth:`commit` at the end.
    """

    def __init__(
        self,
        directory: Path,
        task_id: str,
        index: int,
        url: str,
        *,
        content_type: str | None,
        expected_length: int | None,
    ) -> None:
        self.directory = directory
        self.stem = image_stem(task_id, index)
        self.url = url
        self.content_type = content_type
        self.expected_length = expected_length
        if expected_length is not None and expected_length > MAX_IMAGE_BYTES:
            raise DownloadError(f"{url_for_message(url)} is larger than {MAX_IMAGE_BYTES} bytes")
        self.received = 0
        self._head = b""
        self._tmp = directory / f".{self.stem}.{secrets.token_hex(4)}.part"
        self._fh: IO[bytes] | None = None
        self.path: Path | None = None

    def __enter__(self) -> ImageSaver:
        try:
            self._fh = open(self._tmp, "xb")
        except OSError as exc:
            raise DownloadError(f"cannot write to {self.directory}: {exc.strerror}") from None
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.path is None:
            self.abort()

    def write(self, chunk: bytes) -> None:
        assert self._fh is not None
        self.received += len(chunk)
        if self.received > MAX_IMAGE_BYTES:
            raise DownloadError(
                f"{url_for_message(self.url)} is larger than {MAX_IMAGE_BYTES} bytes"
            )
        if len(self._head) < 16:
            self._head += chunk[: 16 - len(self._head)]
        try:
            self._fh.write(chunk)
        except OSError as exc:
            raise DownloadError(f"cannot write {self._tmp.name}: {exc.strerror}") from None

    def commit(self) -> Path:
        """Check, flush, rename to the final name; returns the image's path."""
        assert self._fh is not None
        where = url_for_message(self.url)
        if self.expected_length is not None and self.received != self.expected_length:
            raise IncompleteDownloadError(
                f"{where}: received {self.received} of {self.expected_length} bytes; "
                "the download was cut short"
            )
        if self.received == 0:
            raise DownloadError(f"{where}: empty answer")
        ext = choose_extension(self._head, self.content_type, self.url)
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            final = self.directory / f"{self.stem}{ext}"
            os.replace(self._tmp, final)
        except OSError as exc:
            raise DownloadError(f"cannot save {self.stem}{ext}: {exc.strerror}") from None
        _fsync_dir(self.directory)
        self.path = final
        return final

    def abort(self) -> None:
        if self._fh is not None and not self._fh.closed:
            self._fh.close()
        with contextlib.suppress(OSError):
            self._tmp.unlink()


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to ``path`` through a hidden temporary file and a rename."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.part"
    try:
        with open(tmp, "x", encoding="utf-8") as fh:  # "x": the umask decides the mode
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def write_sidecar(
    directory: Path,
    task: Task,
    images: Sequence[Path],
    *,
    prompt: str | None,
    payload: Mapping[str, Any] | None,
) -> Path:
    """``<task id>.json``: the prompt, the payload, the task as received, the files saved."""
    path = sidecar_path(directory, task.id)
    data = {
        "task_id": task.id,
        "prompt": prompt,
        "payload": dict(payload) if payload is not None else None,
        "task": task.to_json(),
        "images": [p.name for p in images],
        "downloaded_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    try:
        write_json_atomic(path, data)
    except OSError as exc:
        raise DownloadError(f"cannot write {path.name}: {exc.strerror}") from None
    return path


def prepare_directory(directory: str | os.PathLike[str]) -> Path:
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {path}: {exc.strerror}") from None
    if not path.is_dir():
        raise DownloadError(f"{path} is not a directory")
    return path
