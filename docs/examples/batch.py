"""Start a batch of trainings at once and wait for all of them."""

import asyncio

import leonardo_async as leo

DATASET_ID = "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"  # your dataset's id


async def main() -> None:
    async with leo.LeonardoClient() as client:
        me = await client.users.me()  # whose models the batch is
        jobs = await asyncio.gather(
            *(
                client.models.train(
                    name=f"style-{n}",
                    dataset_id=DATASET_ID,
                    instance_prompt=f"a photo of sks style {n}",
                )
                for n in range(5)
            )
        )
        # One GET /models/user/{id} a round for the whole batch.
        models = await client.wait_for_trainings(
            [job.custom_model_id for job in jobs],
            user_id=me.id,
            on_status=lambda m: print(f"{m.name}: {m.status}"),
        )
        for model in models:  # in the order of the jobs; FAILED ones too
            print(model.name, model.status)


asyncio.run(main())
