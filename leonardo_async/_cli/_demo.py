"""``leonardo-async demo``: the whole journey on an embedded fake server.

From your images to generated images: the catalogue, a dataset of the
bundled sample images, an element training and a batch of custom-model
trainings (one fails on purpose) watched live, a generation with the trained
element whose images are written to a folder, your models and elements,
cleanup, and a summary of what it cost.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import pathlib
import sys
import tempfile
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from .._client import LeonardoClient
from .._data import (
    Cost,
    CustomModel,
    CustomModelType,
    Element,
    Generation,
    JobStatus,
    LoraFocus,
)
from ..testing import FakeLeonardo
from ._console import (
    ELEMENT_HEADERS,
    MODEL_HEADERS,
    Progress,
    UploadProgress,
    element_rows,
    model_rows,
    table,
)

#: The demo's prompt, with the trained element's instance word.
PROMPT = "a photo of demobot exploring a mossy forest, soft morning light"


class Trained(NamedTuple):
    """What the trainings step leaves: the jobs' costs and how they ended."""

    costs: list[Cost | None]
    models: list[CustomModel]
    element: Element


def sample_images(count: int) -> list[pathlib.Path]:
    """The first ``count`` bundled sample images (there are six)."""
    folder = importlib.resources.files(__package__) / "samples"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".png"))
    return [pathlib.Path(str(folder / name)) for name in names[:count]]


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


async def _show_catalogue(client: LeonardoClient) -> None:
    models, elements = await asyncio.gather(
        client.models.list_platform(), client.elements.list_platform()
    )
    print("Platform models")
    rows = [[m.name, "yes" if m.featured else "", m.description] for m in models]
    print(table(rows, ["name", "featured", "description"]))
    print("\nPlatform elements (styles to generate with)")
    rows = [[e.name, e.base_model, e.description] for e in elements]
    print(table(rows, ["name", "base model", "description"]))


async def _make_dataset(client: LeonardoClient, images: int) -> str:
    files = sample_images(images)
    dataset_id = await client.datasets.create("demo robot", description="samples")
    print(f"\nUploading {_plural(len(files), 'sample image')} to a new dataset...")
    out = sys.stdout
    with UploadProgress(out, live=out.isatty(), total=len(files)) as progress:
        await client.datasets.upload_images(
            dataset_id, files, on_progress=progress.update
        )
    print(f"Dataset {dataset_id} holds them now")
    return dataset_id


async def _train(
    client: LeonardoClient, fake: FakeLeonardo, dataset_id: str, count: int
) -> Trained:
    price = await client.pricing.training_cost(
        resolution=1024, sd_version="FLUX_DEV", image_count=len(fake.uploads)
    )
    print(f"\nAn element training on these images is priced at {price} credits.")
    element_job = await client.elements.train(
        name="demobot",
        dataset_id=dataset_id,
        lora_focus=LoraFocus.CHARACTER,
        instance_prompt="demobot",
        max_credits=price,  # checked against the price first; never above it
    )
    names = [f"demo-style-{i + 1}" for i in range(count)]
    fake.fail_next_training()  # one training fails, to show the error path
    print(f"Starting it, and {_plural(count, 'custom-model training')} at once...")
    jobs = await asyncio.gather(
        *(
            client.models.train(
                name=name,
                dataset_id=dataset_id,
                instance_prompt=f"a picture in the style of {name}",
                model_type=CustomModelType.ILLUSTRATIONS,
            )
            for name in names
        )
    )
    ids = [job.custom_model_id for job in jobs]
    labels: dict[Any, str] = {element_job.element_id: "demobot (element)"}
    labels.update(zip(ids, names, strict=True))
    out = sys.stdout
    with Progress(out, live=out.isatty(), names=labels) as progress:
        element, models = await asyncio.gather(
            client.wait_for_element(element_job.element_id, on_status=progress.update),
            client.wait_for_trainings(ids, on_status=progress.update),
        )
    for model in models:
        if model.status == JobStatus.FAILED:
            print(f"  ! {model.name} failed, as one training here does on purpose;")
            print("    the others carry on, and a failed one costs nothing more.")
    costs = [element_job.cost, *(job.cost for job in jobs)]
    return Trained(costs, models, element)


async def _generate(
    client: LeonardoClient, element: Element, folder: pathlib.Path
) -> tuple[Cost | None, Generation, list[pathlib.Path]]:
    print(f"\nGenerating with your element: {PROMPT!r}")
    job = await client.generations.create(
        prompt=PROMPT, user_elements=[element], num_images=2, width=768, height=768
    )
    out = sys.stdout
    names = {job.generation_id: "with demobot"}
    with Progress(out, live=out.isatty(), names=names, title="generation") as shown:
        generation = await client.wait_for_generation(
            job.generation_id, on_status=shown.update
        )
    files = await client.generations.download(generation, folder, overwrite=True)
    print(f"Wrote {_plural(len(files), 'image')} to {folder}:")
    for path in files:
        print(f"  {path.name}")
    return job.cost, generation, files


async def _show_and_clean_up(
    client: LeonardoClient, dataset_id: str, generation: Generation
) -> tuple[int, int]:
    models, elements = await asyncio.gather(
        client.models.list_mine(), client.elements.list_mine()
    )
    print("\nYour models")
    print(table(model_rows(models), MODEL_HEADERS))
    print("\nYour elements")
    print(table(element_rows(elements), ELEMENT_HEADERS))
    await asyncio.gather(
        *(client.models.delete(m.id) for m in models),
        *(client.elements.delete(e.id) for e in elements),
        client.generations.delete(generation.id),
        client.datasets.delete(dataset_id),
    )
    return len(models), len(elements)


def total_cost(costs: Sequence[Cost | None]) -> str:
    """What the costs add up to, by unit."""
    totals: dict[str, Decimal] = {}
    for cost in costs:
        if cost is not None:
            unit = str(cost.unit)
            totals[unit] = totals.get(unit, Decimal(0)) + cost.amount
    return ", ".join(f"{amount} {unit}" for unit, amount in totals.items()) or "none"


async def run_demo(
    trainings: int, training_seconds: float, images: int, out: str | None
) -> int:
    """Run the journey; return the exit code."""
    started = time.monotonic()
    folder = pathlib.Path(out or tempfile.mkdtemp(prefix="leonardo-demo-"))
    async with (
        FakeLeonardo(
            training_seconds=training_seconds,
            generation_seconds=min(1.0, training_seconds / 2),
        ) as fake,
        LeonardoClient(
            fake.api_key, base_url=fake.base_url, poll_interval=0.2
        ) as client,
    ):
        print(f"Fake Leonardo API on {fake.base_url} (no key, no network needed)\n")
        await _show_catalogue(client)
        dataset_id = await _make_dataset(client, images)
        trained = await _train(client, fake, dataset_id, trainings)
        generation_cost, generation, files = await _generate(
            client, trained.element, folder
        )
        deleted = await _show_and_clean_up(client, dataset_id, generation)
        requests = len(fake.requests)
    complete = sum(m.status == JobStatus.COMPLETE for m in trained.models)
    print("\nSummary")
    rows: list[list[object]] = [
        ["images uploaded", len(fake.uploads)],
        ["element trained", trained.element.name],
        [
            "model trainings",
            f"{complete} completed, {len(trained.models) - complete} failed",
        ],
        ["images generated", len(files)],
        ["written to", folder],
        [
            "deleted",
            f"{deleted[0]} models, {deleted[1]} element, 1 generation, 1 dataset",
        ],
        ["total cost", total_cost([*trained.costs, generation_cost])],
        ["requests made", requests],
        ["wall time", f"{time.monotonic() - started:.1f}s"],
    ]
    print(table(rows, ["what", "value"]))
    return 0
