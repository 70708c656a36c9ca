"""The Datasets resource: ``client.datasets``, datasets and image uploads.

An upload is two requests: ``POST /datasets/{id}/upload`` asks the API for a
presigned storage form (a URL and fields), then the image goes to that URL as
a multipart POST with the fields unchanged and the file part last. The
storage request never carries the API key.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
from collections.abc import Sequence
from typing import Any, NamedTuple

from .._arguments import (
    check_callback,
    check_count,
    check_id,
    check_optional_text,
    check_text,
    check_url,
)
from .._data import Dataset
from .._errors import ImageUploadError
from .._wire import (
    NO_EXTRAS,
    Answer,
    Extras,
    FileForm,
    Safety,
    field,
    id_reader,
    object_reader,
    unfit,
)
from ._base import Caller, ExtraBody, ExtraHeaders, ExtraQuery, extras
from ._batch import ItemFailed, ProgressCallback, run_each

#: The image types a dataset takes, by file extension.
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
}

ImageSource = str | os.PathLike[str] | bytes


class _Image(NamedTuple):
    data: bytes
    extension: str
    filename: str


class _Slot(NamedTuple):
    url: str
    fields: tuple[tuple[str, str], ...]
    image_id: str


def check_extension(extension: object, argument: str) -> str:
    """Return the extension, lower-cased, if a dataset takes it.

    Raises:
        TypeError: It is not a string.
        ValueError: It is not png, jpg, jpeg or webp.
    """
    if not isinstance(extension, str):
        raise TypeError(f"{argument} must be a str, not {type(extension).__name__}")
    normal = extension.lower().lstrip(".")
    if normal not in CONTENT_TYPES:
        raise ValueError(
            f"{argument} must be one of png, jpg, jpeg, webp; got {extension!r}"
        )
    return normal


def _read_image(source: object, extension: object) -> _Image:
    # Everything about the image is checked, and the file read, before any
    # request: a presigned slot is never asked for an image that cannot go.
    if isinstance(source, (bytes, bytearray, memoryview)):
        if extension is None:
            raise ValueError("extension is required when the image is bytes")
        normal = check_extension(extension, "extension")
        return _Image(bytes(source), normal, f"image.{normal}")
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"image must be a path or bytes, not {type(source).__name__}")
    path = pathlib.Path(source)
    normal = check_extension(
        path.suffix if extension is None else extension,
        "extension" if extension is not None else f"the suffix of {str(path)!r}",
    )
    return _Image(path.read_bytes(), normal, path.name)


def _read_slot(answer: Answer) -> _Slot:
    where = "$.uploadDatasetImage"
    slot = field(answer, "uploadDatasetImage")
    if not isinstance(slot, dict):
        raise unfit(answer, where, "expected an object")
    try:
        fields = json.loads(slot.get("fields") or "")
    except (TypeError, ValueError):
        fields = None
    if not isinstance(fields, dict) or not all(
        isinstance(v, str) for v in fields.values()
    ):
        raise unfit(
            answer,
            f"{where}.fields",
            "expected fields as a JSON string of an object of strings",
        )
    image_id = slot.get("id")
    try:
        url = check_url(slot.get("url"), "the upload url")
    except (TypeError, ValueError) as exc:
        raise unfit(answer, f"{where}.url", str(exc)) from None
    if not isinstance(image_id, str) or not image_id:
        raise unfit(answer, f"{where}.id", "expected the image id")
    return _Slot(url, tuple(fields.items()), image_id)


_read_dataset = object_reader("datasets_by_pk", Dataset, not_found="dataset")
_read_created_id = id_reader("insert_datasets_one")
_read_deleted_id = id_reader("delete_datasets_by_pk", not_found="dataset")
_read_generated_upload_id = id_reader("uploadDatasetImageFromGen")


def _ignore(answer: Answer) -> None:
    return None


class Datasets:
    """The Datasets API: make a dataset, put images in it, delete it.

    Reached as ``client.datasets``; not constructed directly. Every operation
    also takes ``extra_headers=`` and ``extra_query=``, and those that send
    JSON take ``extra_body=``; for uploads they apply to the API's request,
    never to the storage host's.
    """

    def __init__(self, caller: Caller) -> None:
        self._caller = caller

    async def create(
        self,
        name: str,
        description: str | None = None,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
        extra_body: ExtraBody = None,
    ) -> str:
        """Create an empty dataset (``POST /datasets``).

        The request is sent again only when it provably never reached the
        server, so one call never makes two datasets.

        Args:
            name: The dataset's name.
            description: Its description; sent only when given.

        Returns:
            The new dataset's id.

        Raises:
            ValueError: ``name`` is empty.
            LeonardoError: The API refused the call or could not be reached.
        """
        body: dict[str, Any] = {"name": check_text(name, "name")}
        if description is not None:
            body["description"] = check_optional_text(description, "description")
        return await self._caller.call(
            "POST",
            "/datasets",
            _read_created_id,
            json=body,
            options=extras(extra_headers, extra_query, extra_body),
        )

    async def get(
        self,
        dataset_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> Dataset:
        """Get a dataset with its images (``GET /datasets/{id}``).

        Args:
            dataset_id: The dataset's id (a UUID).

        Returns:
            The dataset.

        Raises:
            ValueError: ``dataset_id`` is not a UUID.
            NotFoundError: No dataset has this id.
            LeonardoError: The API refused the call or could not be reached.
        """
        check_id(dataset_id, "dataset_id")
        return await self._caller.call(
            "GET",
            f"/datasets/{dataset_id}",
            _read_dataset,
            options=extras(extra_headers, extra_query),
        )

    async def delete(
        self,
        dataset_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
    ) -> str:
        """Delete a dataset (``DELETE /datasets/{id}``).

        Args:
            dataset_id: The dataset's id (a UUID).

        Returns:
            The id of the deleted dataset.

        Raises:
            ValueError: ``dataset_id`` is not a UUID.
            NotFoundError: No dataset has this id.
            LeonardoError: The API refused the call or could not be reached.
        """
        check_id(dataset_id, "dataset_id")
        return await self._caller.call(
            "DELETE",
            f"/datasets/{dataset_id}",
            _read_deleted_id,
            options=extras(extra_headers, extra_query),
            gone=lambda: dataset_id,
        )

    async def upload_image(
        self,
        dataset_id: str,
        image: ImageSource,
        *,
        extension: str | None = None,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
        extra_body: ExtraBody = None,
    ) -> str:
        """Upload one image into a dataset.

        The image is checked and read before any request. Its type comes from
        the path's suffix, or from ``extension`` (required for bytes).

        Args:
            dataset_id: The dataset's id (a UUID).
            image: A path to a png, jpg, jpeg or webp file, or the image's bytes.
            extension: The image type: png, jpg, jpeg or webp.

        Returns:
            The new image's id.

        Raises:
            ValueError: The id is not a UUID, or the type is not one a dataset
                takes.
            FileNotFoundError: The file does not exist.
            APIStatusError: The API or the storage refused the upload (a
                storage error's message is the storage's own).
            LeonardoError: The API or the storage could not be reached.
        """
        check_id(dataset_id, "dataset_id")
        options = extras(extra_headers, extra_query, extra_body)
        loaded = await asyncio.to_thread(_read_image, image, extension)
        return await self._upload(dataset_id, loaded, options)

    async def upload_images(
        self,
        dataset_id: str,
        images: Sequence[str | os.PathLike[str]],
        *,
        concurrency: int = 4,
        on_progress: ProgressCallback | None = None,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
        extra_body: ExtraBody = None,
    ) -> list[str]:
        """Upload image files into a dataset, several at a time.

        Every file is checked and read before the first request. On a failure
        the uploads not yet finished are cancelled and ``ImageUploadError`` is
        raised with the ids of the images that were uploaded.

        Args:
            dataset_id: The dataset's id (a UUID).
            images: Paths to png, jpg, jpeg or webp files.
            concurrency: How many uploads run at once (within the client's
                ``max_concurrency``).
            on_progress: Called (and awaited, if async) with (done, total)
                after each upload. If it raises, the uploads not yet finished
                are cancelled and its exception is raised unchanged (as with
                the waits' ``on_status``).

        Returns:
            The new images' ids, in the order of ``images``.

        Raises:
            ValueError: An id or a file type is not valid.
            FileNotFoundError: A file does not exist.
            ImageUploadError: An upload failed; the cause is the ``__cause__``.
        """
        check_id(dataset_id, "dataset_id")
        check_count(concurrency, "concurrency", minimum=1)
        if isinstance(images, (str, bytes, os.PathLike)):
            raise TypeError("images must be a list of paths, not a single value")
        check_callback(on_progress, "on_progress")
        options = extras(extra_headers, extra_query, extra_body)
        loaded = await asyncio.to_thread(
            lambda: [_read_image(image, None) for image in images]
        )
        uploaded: list[str | None] = [None] * len(loaded)

        async def upload(index: int) -> None:
            uploaded[index] = await self._upload(dataset_id, loaded[index], options)

        try:
            await run_each(
                len(loaded), upload, concurrency=concurrency, on_progress=on_progress
            )
        except ItemFailed as failed:
            raise ImageUploadError(uploaded, failed.index, failed.error) from (
                failed.error
            )
        return [image_id for image_id in uploaded if image_id is not None]

    async def upload_generated_image(
        self,
        dataset_id: str,
        generated_image_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        extra_query: ExtraQuery = None,
        extra_body: ExtraBody = None,
    ) -> str:
        """Add one of your generated images to a dataset.

        Args:
            dataset_id: The dataset's id (a UUID).
            generated_image_id: The generated image's id (a UUID).

        Returns:
            The new dataset image's id.

        Raises:
            ValueError: An id is not a UUID.
            LeonardoError: The API refused the call or could not be reached.
        """
        check_id(dataset_id, "dataset_id")
        check_id(generated_image_id, "generated_image_id")
        return await self._caller.call(
            "POST",
            f"/datasets/{dataset_id}/upload/gen",
            _read_generated_upload_id,
            json={"generatedImageId": generated_image_id},
            options=extras(extra_headers, extra_query, extra_body),
        )

    async def _upload(
        self, dataset_id: str, image: _Image, options: Extras = NO_EXTRAS
    ) -> str:
        slot = await self._caller.call(
            "POST",
            f"/datasets/{dataset_id}/upload",
            _read_slot,
            json={"extension": image.extension},
            options=options,
        )
        # A presigned POST to one key is safe to send again: it only writes
        # that key.
        await self._caller.call(
            "POST",
            slot.url,
            _ignore,
            form=FileForm(
                slot.fields, image.filename, image.data, CONTENT_TYPES[image.extension]
            ),
            external=True,
            safety=Safety.REPEATABLE,
        )
        return slot.image_id
