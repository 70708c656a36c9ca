"""Drive your code against the fake server, faults included."""

import asyncio

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo


async def main() -> None:
    async with (
        FakeLeonardo(training_seconds=0.2) as fake,
        leo.LeonardoClient(fake.api_key, base_url=fake.base_url) as client,
    ):
        # Two 503s with Retry-After: the client waits and retries.
        fake.inject_fault(
            "GET", "/platformModels", status=503, retry_after=1, times=2
        )
        catalogue = await client.models.list_platform()
        print(
            len(catalogue),
            "platform models after",
            len(fake.requests),
            "requests",
        )

        fake.fail_next_training()
        job = await client.models.train(
            name="doomed",
            dataset_id=fake.add_dataset(name="cats"),  # one the fake holds
            instance_prompt="sks",
        )
        try:
            await client.wait_for_training(
                job.custom_model_id, poll_interval=0.1
            )
        except leo.TrainingFailedError as exc:
            print("failed as arranged:", exc.model.status)


asyncio.run(main())
