"""``leonardo-async demo``: the whole story on an embedded fake server.

Make a dataset, upload sample images (drawn in memory, no image library),
train a batch of models on it at once (one fails on purpose), watch them
live, list them, clean everything up, and sum up.
"""

from __future__ import annotations

import asyncio
import struct
import sys
import time
import zlib
from decimal import Decimal

from .._client import LeonardoClient
from .._data import CustomModel, CustomModelType, JobStatus, TrainingJob, User
from ..testing import FakeLeonardo
from ._console import MODEL_HEADERS, Progress, model_rows, table

COLORS = [(231, 76, 60), (46, 204, 113), (52, 152, 219), (241, 196, 15)]


def sample_png(size: int, color: tuple[int, int, int]) -> bytes:
    """A square PNG of one color with a lighter diagonal, made without a library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    light = bytes(min(255, c + 80) for c in color)
    rows = b"".join(
        b"\x00" + b"".join(light if x == y else bytes(color) for x in range(size))
        for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


async def _show_catalogue(client: LeonardoClient) -> None:
    catalogue = await client.models.list_platform()
    print("Platform models")
    rows = [[m.name, "yes" if m.featured else "", m.description] for m in catalogue]
    print(table(rows, ["name", "featured", "description"]))


async def _make_dataset(
    client: LeonardoClient, images: int
) -> tuple[User, str, list[str]]:
    me = await client.users.me()
    dataset_id = await client.datasets.create("demo styles", description="samples")
    pictures = [sample_png(64, COLORS[i % len(COLORS)]) for i in range(images)]
    image_ids = await asyncio.gather(
        *(
            client.datasets.upload_image(dataset_id, p, extension="png")
            for p in pictures
        )
    )
    print(
        f"\nSigned in as {me.username}; made dataset {dataset_id} and uploaded "
        f"{_plural(len(image_ids), 'sample image')} to its storage"
    )
    return me, dataset_id, list(image_ids)


async def _train_batch(
    client: LeonardoClient,
    fake: FakeLeonardo,
    me: User,
    dataset_id: str,
    count: int,
    training_seconds: float,
) -> tuple[list[TrainingJob], list[CustomModel]]:
    names = [f"demo-style-{i + 1}" for i in range(count)]
    fake.fail_next_training()  # one training fails, to show the error path
    print(f"\nStarting {_plural(count, 'training')} at once...")
    jobs = await asyncio.gather(
        *(
            client.models.train(
                name=name,
                dataset_id=dataset_id,
                instance_prompt=f"a picture in the style of {name}",
                model_type=CustomModelType.ILLUSTRATIONS,
                resolution=768,
            )
            for name in names
        )
    )
    ids = [job.custom_model_id for job in jobs]
    out = sys.stdout
    names_by_id = dict(zip(ids, names, strict=True))
    with Progress(out, live=out.isatty(), names=names_by_id) as progress:
        finished = await client.wait_for_trainings(
            ids,
            user_id=me.id,
            poll_interval=0.2,
            max_poll_interval=1.0,
            timeout=max(60.0, training_seconds * 10),
            on_status=progress.update,
        )
    for model in finished:
        if model.status == JobStatus.FAILED:
            print(f"  ! {model.name} failed, as one training here does on purpose;")
            print("    the others carry on, and a failed one costs nothing more.")
    return list(jobs), finished


def _total_cost(jobs: list[TrainingJob]) -> str:
    totals: dict[str, Decimal] = {}
    for job in jobs:
        if job.cost is not None:
            unit = str(job.cost.unit)
            totals[unit] = totals.get(unit, Decimal(0)) + job.cost.amount
    return ", ".join(f"{amount} {unit}" for unit, amount in totals.items()) or "none"


async def run_demo(trainings: int, training_seconds: float, images: int) -> int:
    """Run the story; return the exit code."""
    started = time.monotonic()
    async with (
        FakeLeonardo(training_seconds=training_seconds) as fake,
        LeonardoClient(fake.api_key, base_url=fake.base_url) as client,
    ):
        print(f"Fake Leonardo API on {fake.base_url} (no key, no network needed)\n")
        await _show_catalogue(client)
        me, dataset_id, image_ids = await _make_dataset(client, images)
        jobs, finished = await _train_batch(
            client, fake, me, dataset_id, trainings, training_seconds
        )
        mine = await client.models.list_mine()
        print("\nYour models")
        print(table(model_rows(mine), MODEL_HEADERS))
        deleted = await asyncio.gather(*(client.models.delete(m.id) for m in mine))
        await client.datasets.delete(dataset_id)
        requests = len(fake.requests)
    complete = sum(m.status == JobStatus.COMPLETE for m in finished)
    print("\nSummary")
    rows: list[list[object]] = [
        ["images uploaded", len(image_ids)],
        ["trainings started", len(jobs)],
        ["completed", complete],
        ["failed", len(finished) - complete],
        ["models deleted", len(deleted)],
        ["datasets deleted", 1],
        ["total cost", _total_cost(jobs)],
        ["requests made", requests],
        ["wall time", f"{time.monotonic() - started:.1f}s"],
    ]
    print(table(rows, ["what", "value"]))
    return 0
