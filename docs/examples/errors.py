"""Handle what the API and the network can do, without paying twice."""

import asyncio
import logging

import leonardo_async as leo

DATASET_ID = "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"

logging.basicConfig(level=logging.WARNING)  # one line per retry


async def train_once(
    client: leo.LeonardoClient, user_id: str, name: str
) -> str:
    """Start a training; never start a second one for the same name."""
    try:
        job = await client.models.train(
            name=name,
            dataset_id=DATASET_ID,
            instance_prompt="a photo of sks",
        )
        return job.custom_model_id
    except leo.TrainingOutcomeUnknownError:
        # The request may have reached the server: look before trying again.
        for model in await client.models.list_for_user(user_id):
            if model.name == name:
                return model.id
        raise


async def main() -> None:
    async with leo.LeonardoClient(timeout=30, max_retries=3) as client:
        try:
            model = await client.models.get(
                "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"
            )
            print(model.status)
        except leo.NotFoundError:
            print("no such model")
        except leo.RateLimitError as exc:
            print(
                "slow down; the server asked for",
                exc.retry_after,
                "seconds",
            )
        except leo.APIConnectionError as exc:
            print("network trouble:", exc)
        except leo.LeonardoError as exc:
            print("the API said no:", exc)


asyncio.run(main())
