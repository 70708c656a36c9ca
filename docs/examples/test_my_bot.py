"""A user's tests of their own bot, with the plugin's fixtures.

They need pytest-asyncio (``pip install pytest-asyncio``), in its strict or
auto mode.
"""

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo


async def start_training(
    client: leo.LeonardoClient, name: str, dataset_id: str
) -> str:
    """The bot command under test: train, wait, report."""
    job = await client.models.train(
        name=name, dataset_id=dataset_id, instance_prompt="sks"
    )
    try:
        # The fixture's client polls every 50-100 ms: this takes no time.
        model = await client.wait_for_training(job.custom_model_id)
    except leo.TrainingFailedError:
        return f"{name}: failed"
    return f"{model.name}: done"


@pytest.mark.asyncio
async def test_reports_success(
    leonardo_client: leo.LeonardoClient, leonardo_fake: FakeLeonardo
) -> None:
    dataset_id = leonardo_fake.add_dataset(name="photos")
    done = await start_training(leonardo_client, "cats", dataset_id)
    assert done == "cats: done"
    assert leonardo_fake.trainings_started == 1


@pytest.mark.asyncio
async def test_reports_failure(
    leonardo_client: leo.LeonardoClient, leonardo_fake: FakeLeonardo
) -> None:
    leonardo_fake.fail_next_training()
    dataset_id = leonardo_fake.add_dataset(name="photos")
    done = await start_training(leonardo_client, "dogs", dataset_id)
    assert done == "dogs: failed"


@pytest.mark.asyncio
async def test_survives_a_flaky_api(
    leonardo_client: leo.LeonardoClient, leonardo_fake: FakeLeonardo
) -> None:
    leonardo_fake.inject_fault("GET", "/models/*", status=503, times=2)
    dataset_id = leonardo_fake.add_dataset(name="photos")
    done = await start_training(leonardo_client, "birds", dataset_id)
    assert done == "birds: done"
