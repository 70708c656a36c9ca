"""Read many models at once without opening a connection for each."""

import asyncio

import leonardo_async as leo


async def main() -> None:
    # At most 8 requests in flight, however many calls are gathered.
    async with leo.LeonardoClient(max_concurrency=8) as client:
        mine = await client.models.list_mine()
        fresh = await asyncio.gather(
            *(client.models.get(m.id) for m in mine)
        )
        print(len(fresh), "models read")

        # A sibling with a shorter budget shares the session and the limit.
        quick = client.with_options(timeout=5, max_retries=0)
        print(len(await quick.models.list_platform()), "platform models")


asyncio.run(main())
