"""Checked by ``mypy --strict`` in CI, never run: the public surface keeps its types.

A return type that degrades to ``Any`` makes ``assert_type`` fail.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path

from typing_extensions import assert_type

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo, RecordedRequest, StoredUpload


async def public_surface(fake: FakeLeonardo) -> None:
    async with leo.LeonardoClient(fake.api_key, base_url=fake.base_url) as client:
        assert_type(client, leo.LeonardoClient)
        assert_type(client.with_options(timeout=1), leo.LeonardoClient)
        assert_type(client.models, leo.Models)
        assert_type(await client.models.list_platform(), list[leo.PlatformModel])
        job = await client.models.train(name="n", dataset_id="d", instance_prompt="p")
        assert_type(job, leo.TrainingJob)
        assert_type(job.cost, leo.Cost | None)
        assert_type(await client.models.get("id"), leo.CustomModel)
        assert_type(await client.models.delete("id"), str)
        assert_type(await client.models.list_for_user("u"), list[leo.CustomModel])
        model = await client.wait_for_training("id")
        assert_type(model, leo.CustomModel)
        assert_type(model.status, leo.JobStatus | str | None)
        assert_type(await client.wait_for_trainings(["id"]), list[leo.CustomModel])
        assert_type(client.watch_training("id"), AsyncGenerator[leo.CustomModel, None])
        assert_type(await client.models.list_mine(), list[leo.CustomModel])
        assert_type(await client.users.me(), leo.User)
        assert_type(await client.datasets.create("cats"), str)
        dataset = await client.datasets.get("id")
        assert_type(dataset, leo.Dataset)
        assert_type(dataset.images, list[leo.DatasetImage])
        assert_type(await client.datasets.upload_image("id", "cat.png"), str)
        assert_type(await client.datasets.upload_images("id", ["a.png"]), list[str])
        assert_type(await client.datasets.upload_generated_image("id", "g"), str)
        assert_type(await client.datasets.delete("id"), str)
        element_job = await client.elements.train(
            name="n", dataset_id="d", lora_focus=leo.LoraFocus.STYLE
        )
        assert_type(element_job.element_id, int)
        assert_type(await client.elements.get(1), leo.Element)
        assert_type(await client.elements.delete(1), int)
        assert_type(await client.elements.list_mine(), list[leo.Element])
        assert_type(await client.wait_for_element(1), leo.Element)
        assert_type(await client.wait_for_elements([1]), list[leo.Element])
        assert_type(client.watch_element(1), AsyncGenerator[leo.Element, None])
        assert_type(await client.elements.list_platform(), list[leo.PlatformElement])
        raw = await client.with_raw_response.models.get("id")
        assert_type(raw, leo.RawResponse[leo.CustomModel])
        assert_type(raw.parse(), leo.CustomModel)
        assert_type(
            await client.with_raw_response.elements.get(1), leo.RawResponse[leo.Element]
        )
        generation_job = await client.generations.create(prompt="p", max_credits=5)
        assert_type(generation_job, leo.GenerationJob)
        assert_type(generation_job.recovered, bool)
        generation = await client.wait_for_generation(generation_job.generation_id)
        assert_type(generation, leo.Generation)
        assert_type(generation.images, list[leo.GeneratedImage])
        assert_type(await client.generations.download(generation, "out"), list[Path])
        assert_type(
            client.generations.iter_for_user("u"), AsyncGenerator[leo.Generation, None]
        )
        assert_type(client.watch_generation("id"), AsyncGenerator[leo.Generation, None])
        assert_type(await client.pricing.training_cost(resolution=512), int)
        assert_type(await client.pricing.generation_cost(prompt="p"), int)
        assert_type(
            await client.with_raw_response.generations.get("id"),
            leo.RawResponse[leo.Generation],
        )
        assert_type(fake.requests, list[RecordedRequest])
        assert_type(fake.uploads, list[StoredUpload])
        assert_type(fake.base_url, str)
