"""A chat bot command that trains a model and edits one progress message."""

import asyncio
import time

import leonardo_async as leo

DATASET_ID = "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"


class Message:
    """Stands in for a Discord or Telegram message that the bot can edit."""

    async def edit(self, text: str) -> None:
        print("message:", text)


async def train_command(
    client: leo.LeonardoClient, name: str, reply: Message
) -> None:
    try:
        job = await client.models.train(
            name=name,
            dataset_id=DATASET_ID,
            instance_prompt="a photo of sks",
        )
    except leo.TrainingOutcomeUnknownError:
        await reply.edit(
            "The API did not answer; check /models before retrying."
        )
        return
    started = time.monotonic()
    try:
        async for model in client.watch_training(job.custom_model_id):
            minutes = (time.monotonic() - started) / 60
            await reply.edit(
                f"{model.name}: {model.status} ({minutes:.0f} min)"
            )
    except leo.TrainingTimeoutError:
        await reply.edit(
            f"{name}: still training after an hour; I stopped watching."
        )
        return
    if model.status == leo.JobStatus.FAILED:
        await reply.edit(f"{name}: training failed.")


async def main() -> None:
    # One client for the whole bot: every command shares its session
    # and its limits.
    async with leo.LeonardoClient() as client:
        await asyncio.gather(
            train_command(client, "cats", Message()),
            train_command(client, "dogs", Message()),
        )


asyncio.run(main())
