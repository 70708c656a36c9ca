"""Per-call options and raw answers: what this version does not know yet."""

import asyncio
import logging

import leonardo_async as leo

DATASET_ID = "0b6c8a3e-1f2d-4e5a-9b7c-8d9e0f1a2b3c"


async def main() -> None:
    async with leo.LeonardoClient() as client:
        me = await client.users.me(extra_headers={"X-Request-Id": "bot-42"})

        # A field the API has and this SDK does not type yet goes in
        # extra_body;
        # a field the SDK sets from an argument cannot be overridden there.
        try:
            await client.models.train(
                name="my-style",
                dataset_id=DATASET_ID,
                instance_prompt="a photo of sks",
                extra_body={"name": "sneaky"},
            )
        except ValueError as exc:
            print("refused before sending:", exc)

        # The answer as received, and what the plain call would return.
        raw = await client.with_raw_response.models.list_for_user(me.id)
        print(
            raw.status,
            raw.headers.get("Content-Type"),
            f"{raw.elapsed:.3f}s",
        )
        models = raw.parse()
        print(len(models), "models;", len(raw.body), "bytes")


logging.basicConfig(
    level=logging.DEBUG
)  # shows each field that did not fit
logging.getLogger("asyncio").setLevel(logging.WARNING)
asyncio.run(main())
