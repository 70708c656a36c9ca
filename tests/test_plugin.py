from __future__ import annotations

import pytest

USER_TEST = '''
import pytest

import leonardo_async as leo


async def start_training(client: leo.LeonardoClient, name: str) -> str:
    """The user's bot command under test."""
    job = await client.models.train(
        name=name,
        dataset_id="7f3c2a1e-5b8d-4c6f-9e0a-1b2c3d4e5f60",
        instance_prompt="sks",
    )
    model = await client.wait_for_training(job.custom_model_id, poll_interval=0.05)
    return f"{model.name}: {model.status}"


{marker}
async def test_bot_reports_success(leonardo_client, leonardo_fake):
    assert await start_training(leonardo_client, "cats") == "cats: COMPLETE"
    assert leonardo_fake.trainings_started == 1


{marker}
async def test_bot_sees_failure(leonardo_client, leonardo_fake):
    leonardo_fake.fail_next_training()
    with pytest.raises(leo.TrainingFailedError):
        await start_training(leonardo_client, "dogs")
'''


@pytest.mark.parametrize(
    ("mode", "marker"), [("strict", "@pytest.mark.asyncio"), ("auto", "")]
)
def test_fixtures_work_in_both_modes(
    pytester: pytest.Pytester, mode: str, marker: str
) -> None:
    pytester.makepyfile(test_bot=USER_TEST.replace("{marker}", marker))
    result = pytester.runpytest(
        f"--asyncio-mode={mode}",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        "-W",
        "error",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=2)
