"""``leonardo-async datasets create|get|upload|delete``."""

from __future__ import annotations

import argparse
import pathlib
from collections.abc import Sequence
from typing import Any

from .._client import LeonardoClient
from .._resources import CONTENT_TYPES
from ._common import (
    Parents,
    UsageError,
    client,
    command,
    delete_confirmed,
    emit,
    progress_stream,
)
from ._console import UploadProgress, table


def _is_image(path: pathlib.Path) -> bool:
    return path.suffix.lower().lstrip(".") in CONTENT_TYPES


def image_files(paths: Sequence[str], option: str) -> list[pathlib.Path]:
    """The images that ``paths`` name: one rule for every command.

    A folder gives the png, jpg, jpeg and webp files in it, sorted (other
    files are skipped); a file must be one of those.

    Raises:
        UsageError: A path does not exist, a file is not an image, or there
            is no image at all.
    """
    found: list[pathlib.Path] = []
    for name in paths:
        path = pathlib.Path(name)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and _is_image(p))
        elif path.is_file():
            if not _is_image(path):
                raise UsageError(
                    f"{option} {name!r} is not a png, jpg, jpeg or webp file"
                )
            found.append(path)
        else:
            raise UsageError(f"{option} {name!r}: no such file or folder")
    if not found:
        raise UsageError(
            f"{option} {' '.join(paths)!r} holds no png, jpg, jpeg or webp file"
        )
    return found


async def upload(
    api: LeonardoClient,
    args: argparse.Namespace,
    dataset_id: str,
    files: Sequence[str | pathlib.Path],
) -> list[str]:
    """Upload files into a dataset, showing progress."""
    out, live = progress_stream(args)
    with UploadProgress(out, live=live, total=len(files)) as progress:
        return await api.datasets.upload_images(
            dataset_id, files, concurrency=args.concurrency, on_progress=progress.update
        )


def add_training_data(train: argparse.ArgumentParser) -> None:
    """Add a train command's ``--name`` and where its images come from."""
    train.add_argument("--name", required=True)
    train.add_argument("--dataset-id", help="an existing dataset to train on")
    train.add_argument(
        "--images", help="a folder of images (or one image): make a dataset of them"
    )


def training_images(args: argparse.Namespace) -> list[pathlib.Path]:
    """The images of ``--images``, checked before anything is sent.

    Raises:
        UsageError: Not exactly one of ``--dataset-id`` and ``--images``, or
            the images are not there.
    """
    if (args.dataset_id is None) == (args.images is None):
        raise UsageError("give exactly one of --dataset-id and --images")
    return image_files([args.images], "--images") if args.images is not None else []


async def training_dataset(
    api: LeonardoClient, args: argparse.Namespace, files: list[pathlib.Path]
) -> str:
    """The dataset a train command uses: ``--dataset-id``, or one made of ``files``."""
    if not files:
        return str(args.dataset_id)
    dataset_id = await api.datasets.create(args.name)
    if not args.json:
        print(f"dataset {dataset_id} created", flush=True)
    await upload(api, args, dataset_id, files)
    return dataset_id


async def _create(args: argparse.Namespace) -> int:
    async with client(args) as api:
        dataset_id = await api.datasets.create(args.name, args.description)
    emit(args, {"id": dataset_id}, lambda: f"created dataset {dataset_id}")
    return 0


async def _get(args: argparse.Namespace) -> int:
    async with client(args) as api:
        dataset = await api.datasets.get(args.dataset_id)

    def human() -> str:
        created = dataset.created_at and dataset.created_at.isoformat(
            timespec="seconds"
        )
        head = f"{dataset.name} ({dataset.id}), created {created}"
        rows = [[i.id, i.url] for i in dataset.images]
        return f"{head}\n{len(rows)} images\n" + table(rows, ["image id", "url"])

    emit(args, dataset, human)
    return 0


async def _upload(args: argparse.Namespace) -> int:
    files = image_files(args.files, "FILE")
    async with client(args) as api:
        ids = await upload(api, args, args.dataset_id, files)
    emit(
        args,
        {"image_ids": ids},
        lambda: table(
            [[str(f), i] for f, i in zip(files, ids, strict=True)],
            ["file", "image id"],
        ),
    )
    return 0


async def _delete(args: argparse.Namespace) -> int:
    async with client(args) as api:
        return await delete_confirmed(
            args, "dataset", args.dataset_id, api.datasets.get, api.datasets.delete
        )


def add_commands(commands: Any, parents: Parents) -> None:
    """Add the ``datasets`` group."""
    datasets = commands.add_parser("datasets", help="your datasets and their images")
    actions = datasets.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = command(
        actions,
        "create",
        _create,
        "create an empty dataset",
        "leonardo-async datasets create cats --description 'my cat'",
        [parents.common],
    )
    create.add_argument("name")
    create.add_argument("--description")
    show = command(
        actions,
        "get",
        _get,
        "show a dataset and its images",
        "leonardo-async datasets get DATASET_ID",
        [parents.common],
    )
    show.add_argument("dataset_id")
    put = command(
        actions,
        "upload",
        _upload,
        "upload images (files, or every image in a folder) into a dataset",
        "leonardo-async datasets upload DATASET_ID cats/ --concurrency 4",
        [parents.common, parents.uploading],
    )
    put.add_argument("dataset_id")
    put.add_argument("files", nargs="+", metavar="FILE", help="an image, or a folder")
    remove = command(
        actions,
        "delete",
        _delete,
        "delete a dataset",
        "leonardo-async datasets delete DATASET_ID --yes",
        [parents.common],
    )
    remove.add_argument("dataset_id")
    remove.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
