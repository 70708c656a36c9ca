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
from .._data import CustomModelType, JobStatus
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


async def run_demo(trainings: int, training_seconds: float, images: int) -> int:
    """Run the story; return the exit code."""
    started = time.monotonic()
    out = sys.stdout
    async with (
        FakeLeonardo(training_seconds=training_seconds) as fake,
        LeonardoClient(fake.api_key, base_url=fake.base_url) as client,
    ):
        print(f"Fake Leonardo API on {fake.base_url} (no key, no network needed)\n")
        catalogue = await client.models.list_platform()
        print("Platform models")
        print(
            table(
                [
                    [m.name, "yes" if m.featured else "", m.description]
                    for m in catalogue
                ],
                ["name", "featured", "description"],
            )
        )

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
            f"{len(image_ids)} sample images to its storage"
        )

        names = [f"demo-style-{i + 1}" for i in range(trainings)]
        fake.fail_next_training()  # one training fails, to show the error path
        print(f"\nStarting {len(names)} trainings at once...")
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
        with Progress(
            out, live=out.isatty(), names=dict(zip(ids, names, strict=True))
        ) as progress:
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
                print(f"  ! {model.name} failed: wait_for_training raises")
                print("    TrainingFailedError for it; the batch returns it.")

        mine = await client.models.list_mine()
        print("\nYour models")
        print(table(model_rows(mine), MODEL_HEADERS))
        deleted = await asyncio.gather(*(client.models.delete(m.id) for m in mine))
        await client.datasets.delete(dataset_id)
        requests = len(fake.requests)

    totals: dict[str, Decimal] = {}
    for job in jobs:
        if job.cost is not None:
            unit = str(job.cost.unit)
            totals[unit] = totals.get(unit, Decimal(0)) + job.cost.amount
    complete = sum(m.status == JobStatus.COMPLETE for m in finished)
    cost = ", ".join(f"{amount} {unit}" for unit, amount in totals.items()) or "none"
    print("\nSummary")
    print(
        table(
            [
                ["images uploaded", len(image_ids)],
                ["trainings started", len(jobs)],
                ["completed", complete],
                ["failed", len(finished) - complete],
                ["models deleted", len(deleted)],
                ["datasets deleted", 1],
                ["total cost", cost],
                ["requests made", requests],
                ["wall time", f"{time.monotonic() - started:.1f}s"],
            ],
            ["what", "value"],
        )
    )
    return 0
