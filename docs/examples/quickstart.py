"""Train a model and wait for it (the quickstart)."""

import asyncio

import leonardo_async as leo

DATASET_ID = "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"  # your dataset's id


async def main() -> None:
    async with leo.LeonardoClient() as client:  # key from LEONARDO_API_KEY
        for platform_model in await client.models.list_platform():
            print(platform_model.name)

        job = await client.models.train(
            name="my-style",
            dataset_id=DATASET_ID,
            instance_prompt="a photo of sks",
            model_type=leo.CustomModelType.CHARACTERS,
            resolution=768,
        )
        print("training", job.custom_model_id, "cost", job.cost)

        model = await client.wait_for_training(
            job.custom_model_id,
            on_status=lambda m: print("status:", m.status),
        )
        print("done:", model.name, model.status)


asyncio.run(main())
