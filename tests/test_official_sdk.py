"""The official SDK, generated from Leonardo's own spec, against the fake.

A check of the fake that nobody here wrote: ``leonardo-ai-sdk`` 7.0.0 runs
its elements, image and pricing operations against ``FakeLeonardo`` and must
parse every answer. Where the fake and the official SDK disagree on a shape,
one of them is wrong about the API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, with_datasets

official = pytest.importorskip("leonardo_ai_sdk")


@pytest.fixture
async def sdk() -> AsyncIterator[tuple[Any, FakeLeonardo]]:
    async with FakeLeonardo(training_seconds=0.1, generation_seconds=0.1) as fake:
        with_datasets(fake)
        async with httpx.AsyncClient() as http:
            yield (
                official.LeonardoAiSDK(
                    bearer_auth=fake.api_key,
                    server_url=fake.base_url,
                    async_client=http,
                ),
                fake,
            )


def _parsed(response: Any) -> Any:
    assert response.status_code == 200, response.raw_response.text
    assert response.object is not None
    return response.object


async def test_its_element_operations_parse_every_answer(
    sdk: tuple[Any, FakeLeonardo],
) -> None:
    client, fake = sdk
    catalogue = _parsed(await client.elements.list_elements_async()).loras
    assert catalogue and all(e.ak_uuid and e.name for e in catalogue)
    job = _parsed(
        await client.elements.create_element_async(
            request={
                "name": "official",
                "dataset_id": DATASET_ID,
                "lora_focus": "Style",
                "learning_rate": 0.00001,
                "num_train_epochs": 60,
                "instance_prompt": "sks",
            }
        )
    ).sd_training_job
    element_id = job.user_lora_id
    assert isinstance(element_id, int) and job.cost.amount
    await asyncio.sleep(0.15)
    element = _parsed(
        await client.elements.get_element_by_id_async(id=element_id)
    ).user_loras_by_pk
    assert (element.id, element.status) == (element_id, "COMPLETE")
    mine = _parsed(
        await client.elements.get_custom_elements_by_user_id_async(user_id=fake.user_id)
    ).user_loras
    assert [e.id for e in mine] == [element_id]
    deleted = _parsed(await client.elements.delete_element_by_id_async(id=element_id))
    assert deleted.delete_user_loras_by_pk.id == element_id


async def test_its_image_operations_parse_every_answer(
    sdk: tuple[Any, FakeLeonardo],
) -> None:
    client, fake = sdk
    catalogue = _parsed(await client.elements.list_elements_async()).loras
    element_id = fake.add_element()
    job = _parsed(
        await client.image.create_generation_async(
            request={
                "prompt": "an official fox",
                "num_images": 2,
                "elements": [{"ak_uuid": catalogue[0].ak_uuid, "weight": 0.8}],
                # The official SDK types this id as a float: 1001.0 on the wire.
                "user_elements": [{"user_lora_id": element_id, "weight": 1}],
            }
        )
    ).sd_generation_job
    generation_id = job.generation_id
    pending = _parsed(
        await client.image.get_generation_by_id_async(id=generation_id)
    ).generations_by_pk
    assert pending.status == "PENDING" and pending.generated_images == []
    await asyncio.sleep(0.15)
    done = _parsed(
        await client.image.get_generation_by_id_async(id=generation_id)
    ).generations_by_pk
    assert done.status == "COMPLETE" and done.prompt == "an official fox"
    assert [bool(i.url) for i in done.generated_images] == [True, True]
    page = _parsed(
        await client.image.get_generations_by_user_id_async(
            user_id=fake.user_id, offset=0, limit=10
        )
    ).generations
    assert [g.id for g in page] == [generation_id]
    async with httpx.AsyncClient() as images:
        png = await images.get(done.generated_images[0].url)
    assert png.content.startswith(b"\x89PNG")
    deleted = _parsed(
        await client.image.delete_generation_by_id_async(id=generation_id)
    )
    assert deleted.delete_generations_by_pk.id == generation_id


async def test_its_pricing_operation_parses_every_answer(
    sdk: tuple[Any, FakeLeonardo],
) -> None:
    client, _ = sdk
    generation = _parsed(
        await client.pricing_calculator.pricing_calculator_async(
            request={
                "service": "IMAGE_GENERATION",
                "service_params": {
                    "image_generation": {
                        "image_width": 1024,
                        "image_height": 768,
                        "num_images": 4,
                        "inference_steps": 15,
                        "alchemy_mode": True,
                        "high_resolution": False,
                    }
                },
            }
        )
    )
    assert generation.calculate_production_api_service_cost.cost > 0
    training = _parsed(
        await client.pricing_calculator.pricing_calculator_async(
            request={
                "service": "MODEL_TRAINING",
                "service_params": {
                    "model_training": {
                        "resolution": 1024,
                        "sd_version": "FLUX_DEV",
                        "dataset_image_count": 20,
                    }
                },
            }
        )
    )
    assert training.calculate_production_api_service_cost.cost > 0
