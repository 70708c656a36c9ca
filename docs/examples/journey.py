"""From your images to generated images, with an element."""

import asyncio
import pathlib

import leonardo_async as leo


async def main(images: list[pathlib.Path]) -> None:
    async with leo.LeonardoClient() as client:  # key from LEONARDO_API_KEY
        # 1. A dataset of your images.
        dataset_id = await client.datasets.create("tom the cat")
        await client.datasets.upload_images(dataset_id, images)

        # 2. Train an element on it, within a budget checked first.
        price = await client.pricing.training_cost(
            resolution=1024, sd_version="FLUX_DEV", image_count=len(images)
        )
        print("the training is priced at", price, "credits")
        job = await client.elements.train(
            name="tom",
            dataset_id=dataset_id,
            lora_focus=leo.LoraFocus.CHARACTER,
            instance_prompt="tomcat",
            max_credits=500,  # BudgetExceededError, and no training, above
        )
        element = await client.wait_for_element(job.element_id)
        print("element", element.id, element.status)

        # 3. Generate with it, wait, and download the images.
        started = await client.generations.create(
            prompt="tomcat asleep on a sunny windowsill",
            user_elements=[leo.UserElement(element.id, weight=0.9)],
            num_images=2,
            max_credits=100,
        )
        generation = await client.wait_for_generation(started.generation_id)
        files = await client.generations.download(generation, "generated")
        for path in files:
            print("wrote", path)


asyncio.run(main(sorted(pathlib.Path("my-images").glob("*.png"))))
