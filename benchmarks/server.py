"""A local aiohttp server with canned bodies, run in its own process."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timedelta

from aiohttp import web

# Known values only, so that every client can decode it (the official SDK
# fails the whole list on one value it does not know).
STATUSES = ["COMPLETE", "PENDING", "FAILED"]
VERSIONS = ["v1_5", "v2", "SDXL_1_0", "PHOENIX", "FLUX_DEV"]


def model(index: int) -> dict[str, object]:
    moment = datetime(2025, 1, 1) + timedelta(minutes=index)
    stamp = moment.isoformat(timespec="milliseconds")
    return {
        "id": str(uuid.UUID(int=index + 1, version=4)),
        "name": f"benchmark model {index}",
        "description": "a model made for measuring how fast bodies are decoded",
        "instancePrompt": "a photo of sks",
        "modelWidth": 768,
        "modelHeight": 768,
        "public": False,
        "sdVersion": VERSIONS[index % len(VERSIONS)],
        "status": STATUSES[index % len(STATUSES)],
        "type": "CHARACTERS",
        "createdAt": stamp,
        "updatedAt": stamp,
    }


ONE = json.dumps({"custom_models_by_pk": model(0)}).encode()
PLATFORM = json.dumps(
    {
        "custom_models": [
            {
                "id": str(uuid.UUID(int=100 + i, version=4)),
                "name": f"platform model {i}",
                "description": "a public model of the catalogue",
                "nsfw": False,
                "featured": i < 4,
                "generated_image": {
                    "id": str(uuid.UUID(int=200 + i, version=4)),
                    "url": f"https://cdn.leonardo.ai/samples/{i}.jpg",
                },
            }
            for i in range(8)
        ]
    }
).encode()
MANY = json.dumps({"custom_models": [model(i) for i in range(10_000)]}).encode()
GENERATION_ID = str(uuid.UUID(int=300, version=4))
GENERATION = json.dumps(
    {
        "generations_by_pk": {
            "id": GENERATION_ID,
            "status": "COMPLETE",
            "prompt": "a red fox in the snow, soft morning light",
            "negativePrompt": None,
            "modelId": "b24e16ff-06e3-43eb-8d33-4416c2d75876",
            "imageWidth": 1024,
            "imageHeight": 768,
            "seed": 123456789,
            "presetStyle": "DYNAMIC",
            "guidanceScale": 7,
            "inferenceSteps": 15,
            "public": False,
            "createdAt": "2025-01-01T00:00:00.000",
            "generated_images": [
                {
                    "id": str(uuid.UUID(int=400 + i, version=4)),
                    "url": f"https://cdn.leonardo.ai/users/x/generations/{i}.jpg",
                    "nsfw": False,
                    "likeCount": 0,
                    "generated_image_variation_generics": [],
                }
                for i in range(4)
            ],
            "generation_elements": [],
        }
    }
).encode()


async def one(request: web.Request) -> web.Response:
    return web.Response(body=ONE, content_type="application/json")


async def platform(request: web.Request) -> web.Response:
    return web.Response(body=PLATFORM, content_type="application/json")


async def generation(request: web.Request) -> web.Response:
    return web.Response(body=GENERATION, content_type="application/json")


async def many(request: web.Request) -> web.Response:
    return web.Response(body=MANY, content_type="application/json")


def main() -> None:
    app = web.Application()
    app.router.add_get("/api/rest/v1/models/user/{user_id}", many)
    app.router.add_get("/api/rest/v1/models/{id}", one)
    app.router.add_get("/api/rest/v1/platformModels", platform)
    app.router.add_get("/api/rest/v1/generations/{id}", generation)
    web.run_app(
        app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None
    )


if __name__ == "__main__":
    main()
