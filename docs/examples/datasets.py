"""From images on disk to a trained model, in a few awaited calls."""

import asyncio
import pathlib

import leonardo_async as leo

IMAGES = pathlib.Path(
    "my-images"
)  # a folder of png, jpg, jpeg or webp files
SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}


def image_files() -> list[pathlib.Path]:
    return sorted(
        p for p in IMAGES.iterdir() if p.suffix.lower() in SUFFIXES
    )


async def main() -> None:
    async with leo.LeonardoClient() as client:
        me = await client.users.me()
        print(
            "signed in as",
            me.username,
            "with",
            me.subscription_model_tokens,
            "model tokens",
        )

        dataset_id = await client.datasets.create(
            "my cat", description="photos of Tom"
        )
        files = image_files()
        try:
            image_ids = await client.datasets.upload_images(
                dataset_id,
                files,
                concurrency=4,
                on_progress=lambda done, total: print(
                    f"uploaded {done}/{total}"
                ),
            )
        except leo.ImageUploadError as exc:
            uploaded = [i for i in exc.uploaded if i is not None]
            print(
                f"upload stopped at {files[exc.failed_index]}: "
                f"{exc.__cause__}"
            )
            print(f"{len(uploaded)} images are in the dataset already")
            raise
        print(len(image_ids), "images in dataset", dataset_id)

        job = await client.models.train(
            name="tom-the-cat",
            dataset_id=dataset_id,
            instance_prompt="a photo of tom cat",
        )
        model = await client.wait_for_training(job.custom_model_id)
        print("trained", model.name, model.status)

        for mine in await client.models.list_mine():
            print("one of yours:", mine.name, mine.status)


asyncio.run(main())
