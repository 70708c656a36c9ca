"""Downloading generated images to a folder, a few at a time.

Image hosts are not the API: the requests carry no API key. Each file is
written under a temporary name in the target folder and renamed when whole,
so a failed download leaves nothing behind; a file that exists is not
replaced unless asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
from collections.abc import Sequence
from typing import NamedTuple

from .._arguments import check_callback, check_count, check_url
from .._data import GeneratedImage, Generation
from .._errors import ImageDownloadError
from .._wire import Answer, Safety
from ._base import Caller
from ._batch import ItemFailed, ProgressCallback, run_each

#: The image types a download takes, by their first bytes.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
EXTENSIONS = ("png", "jpg", "gif", "webp")


class Target(NamedTuple):
    """One image to download, and the name its file gets (less its extension)."""

    url: str
    stem: str


def image_extension(body: bytes) -> str | None:
    """The extension of an image body, from its first bytes; ``None`` if no image."""
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "webp"
    for signature, extension in SIGNATURES:
        if body.startswith(signature):
            return extension
    return None


def plan(source: object) -> list[Target]:
    """What to download for ``download``'s first argument, each with its name.

    A generation's images are ``<generation id>-<n>`` (n from 1); a bare list
    of images gives ``<image id>``.

    Raises:
        TypeError: ``source`` is neither a ``Generation`` nor a list of
            ``GeneratedImage``.
        ValueError: An image has no URL, or one that is not http(s).
    """
    if isinstance(source, Generation):
        pairs = [
            (image, f"{source.id}-{n}") for n, image in enumerate(source.images, 1)
        ]
        where = "generation.images"
    elif isinstance(source, Sequence) and not isinstance(source, (str, bytes)):
        pairs = []
        for index, image in enumerate(source):
            if not isinstance(image, GeneratedImage):
                raise TypeError(
                    f"images[{index}] must be a GeneratedImage, not "
                    f"{type(image).__name__}"
                )
            pairs.append((image, image.id))
        where = "images"
    else:
        raise TypeError(
            "download takes a Generation or a list of GeneratedImage, not "
            f"{type(source).__name__}"
        )
    targets = []
    for index, (image, stem) in enumerate(pairs):
        if image.url is None:
            raise ValueError(f"{where}[{index}] has no URL to download")
        targets.append(Target(check_url(image.url, f"{where}[{index}].url"), stem))
    return targets


def _existing(folder: pathlib.Path, stem: str) -> pathlib.Path | None:
    for extension in EXTENSIONS:
        path = folder / f"{stem}.{extension}"
        if path.exists():
            return path
    return None


def _prepare(folder: pathlib.Path, targets: list[Target], overwrite: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if overwrite:
        return
    for target in targets:
        found = _existing(folder, target.stem)
        if found is not None:
            raise FileExistsError(f"{found} exists; pass overwrite=True to replace it")


def write_whole(
    folder: pathlib.Path, stem: str, body: bytes, overwrite: bool
) -> pathlib.Path:
    """Write an image body as ``<stem>.<ext>``: a temporary file, then a rename.

    Raises:
        ValueError: The body is not an image.
        FileExistsError: The file exists and ``overwrite`` is false.
    """
    extension = image_extension(body)
    if extension is None:
        raise ValueError(f"the body for {stem} is not an image (png, jpg, gif, webp)")
    target = folder / f"{stem}.{extension}"
    if not overwrite and target.exists():
        raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
    # Made like any file (the umask decides its mode), under a name no one
    # else picks, so that only a whole image ever has the final name.
    temporary = folder / f".{stem}.{os.urandom(4).hex()}.part"
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        _settle(temporary, target, overwrite)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return target


def _settle(temporary: pathlib.Path, target: pathlib.Path, overwrite: bool) -> None:
    """Give the whole file its name; without ``overwrite``, never over another."""
    if overwrite:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails, rather than replaces, if it exists
    except FileExistsError:
        raise FileExistsError(
            f"{target} exists; pass overwrite=True to replace it"
        ) from None
    except OSError:  # a file system without links: check, then rename
        if target.exists():
            raise FileExistsError(
                f"{target} exists; pass overwrite=True to replace it"
            ) from None
        os.replace(temporary, target)


def _body(answer: Answer) -> bytes:
    return answer.body


async def download(
    caller: Caller,
    source: object,
    folder: object,
    *,
    concurrency: object,
    on_progress: ProgressCallback | None,
    overwrite: object,
) -> list[pathlib.Path]:
    """Download images into ``folder``; see ``Generations.download``."""
    targets = plan(source)
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path, not {type(folder).__name__}")
    limit = check_count(concurrency, "concurrency", minimum=1)
    check_callback(on_progress, "on_progress")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be a bool, not {type(overwrite).__name__}")
    directory = pathlib.Path(folder)
    await asyncio.to_thread(_prepare, directory, targets, overwrite)
    written: list[pathlib.Path | None] = [None] * len(targets)

    async def fetch(index: int) -> None:
        url, stem = targets[index]
        body = await caller.call(
            "GET", url, _body, external=True, safety=Safety.REPEATABLE
        )
        # Written in the loop, not a thread: a cancelled wait for a thread
        # would leave its file behind, unreported.
        written[index] = write_whole(directory, stem, body, overwrite)

    try:
        await run_each(len(targets), fetch, concurrency=limit, on_progress=on_progress)
    except ItemFailed as failed:
        done = [path for path in written if path is not None]
        raise ImageDownloadError(
            f"downloading {targets[failed.index].url} failed ({failed.error})",
            written=done,
            failed_url=targets[failed.index].url,
        ) from failed.error
    return [path for path in written if path is not None]
