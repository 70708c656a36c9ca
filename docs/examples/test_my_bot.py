"""A user's tests of their own bot, with the plugin's fixtures.

They need pytest-asyncio (``pip install pytest-asyncio``), in its strict or
auto mode.
"""

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo


async def start_training(client: leo.LeonardoClient, name: str) -> str:
    """The bot command under test: train, wait, report."""
    job = await client.models.train(
        name=name,
        dataset_id="7f3c2a1e-5b8d-4c6f-9e0a-1b2c3d4e5f60",
        instance_prompt="sks",
    )
    try:
        model = await client.wait_for_training(
            job.custom_model_id, poll_interval=0.05
        )
    except leo.TrainingFailedError:
        return f"{name}: failed"
    return f"{model.name}: done"


@pytest.mark.asyncio
async def test_reports_success(
    leonardo_client: leo.LeonardoClient, leonardo_fake: FakeLeonardo
) -> None:
    assert await start_training(leonardo_client, "cats") == "cats: done"
    assert leonardo_fake.trainings_started == 1


@pytest.mark.asyncio
async def test_reports_failure(
    leonardo_client: leo.LeonardoClient, leonardo_fake: FakeLeonardo
) -> None:
    leonardo_fake.fail_next_training()
    assert await start_training(leonardo_client, "dogs") == "dogs: failed"


@pytest.mark.asyncio
async def test_survives_a_flaky_api(
    leonardo_client: leo.LeonardoClient, leonardo_fake: FakeLeonardo
) -> None:
    leonardo_fake.inject_fault("GET", "/models/*", status=503, times=2)
    assert await start_training(leonardo_client, "birds") == "birds: done"
