"""client.generations, client.pricing and downloads, against the fake."""

from __future__ import annotations

import os
import pathlib
import uuid
from typing import Any

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import DATASET_ID, paths

PNG = b"\x89PNG\r\n\x1a\n" + bytes(16)


@pytest.fixture
async def quick(fake: FakeLeonardo) -> leo.LeonardoClient:
    """A client whose generation waits poll every few milliseconds."""
    fake.generation_seconds = 0.1
    async with leo.LeonardoClient(
        fake.api_key, base_url=fake.base_url, poll_interval=0.02
    ) as client:
        yield client  # type: ignore[misc]


async def test_a_generation_from_create_to_files(
    quick: leo.LeonardoClient, fake: FakeLeonardo, tmp_path: pathlib.Path
) -> None:
    job = await quick.generations.create(prompt="a red fox", num_images=2, seed=7)
    assert fake.requests[-1].json == {"prompt": "a red fox", "num_images": 2, "seed": 7}
    assert uuid.UUID(job.generation_id) and job.cost is not None
    first = await quick.generations.get(job.generation_id)
    assert first.status == leo.JobStatus.PENDING and first.images == []
    seen: list[Any] = []
    done = await quick.wait_for_generation(job.generation_id, on_status=seen.append)
    assert [g.status for g in seen] == [leo.JobStatus.PENDING, leo.JobStatus.COMPLETE]
    assert (done.prompt, done.seed, done.width, done.height) == (
        "a red fox",
        7,
        1024,
        768,
    )
    assert len(done.images) == 2 and all(i.url for i in done.images)
    folder = tmp_path / "out"
    files = await quick.generations.download(done, folder)
    assert [f.name for f in files] == [
        f"{done.id}-1.png",
        f"{done.id}-2.png",
    ]
    assert all(f.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for f in files)
    assert files[0].read_bytes() != files[1].read_bytes()
    assert sorted(os.listdir(folder)) == [f.name for f in files]  # no temporary left
    image_requests = [r for r in fake.requests if r.path.startswith("/storage/")]
    assert len(image_requests) == 2
    assert all("Authorization" not in r.headers for r in image_requests)


async def test_images_differ_by_prompt_and_seed(
    quick: leo.LeonardoClient, tmp_path: pathlib.Path
) -> None:
    bodies = []
    for prompt, seed in (("a fox", 1), ("a fox", 2), ("an owl", 1)):
        job = await quick.generations.create(prompt=prompt, seed=seed, num_images=1)
        done = await quick.wait_for_generation(job.generation_id)
        (file,) = await quick.generations.download(done, tmp_path)
        bodies.append(file.read_bytes())
    assert len(set(bodies)) == 3


async def test_elements_of_both_kinds_are_sent_as_the_api_wants(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    catalogue = await client.elements.list_platform()
    mine = await client.elements.train(
        name="cat", dataset_id=DATASET_ID, lora_focus="Style"
    )
    element = await client.elements.get(mine.element_id)
    await client.generations.create(
        prompt="a cat",
        user_elements=[element, leo.UserElement(mine.element_id, 0.5)],
        elements=[catalogue[0], leo.PlatformElementRef(catalogue[1].ak_uuid, 1.5)],
    )
    sent = fake.requests[-1].json
    assert sent["userElements"] == [
        {"userLoraId": mine.element_id, "weight": 1.0},
        {"userLoraId": mine.element_id, "weight": 0.5},
    ]
    assert sent["elements"] == [
        {"akUUID": catalogue[0].ak_uuid, "weight": 1.0},
        {"akUUID": catalogue[1].ak_uuid, "weight": 1.5},
    ]


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"prompt": " "}, "prompt"),
        ({"prompt": "x", "model_id": "not-a-uuid"}, "model_id"),
        ({"prompt": "x", "num_images": 5}, "num_images"),  # 1024 x 768 by default
        ({"prompt": "x", "num_images": 9, "width": 512, "height": 512}, "num_images"),
        ({"prompt": "x", "width": 1001}, "width"),
        ({"prompt": "x", "height": 2048}, "height"),
        ({"prompt": "x", "seed": -1}, "seed"),
        ({"prompt": "x", "guidance_scale": 30}, "guidance_scale"),
        ({"prompt": "x", "num_inference_steps": 5}, "num_inference_steps"),
        ({"prompt": "x", "preset_style": "NOPE"}, "preset_style"),
        ({"prompt": "x", "alchemy": "yes"}, "alchemy"),
        ({"prompt": "x", "user_elements": [leo.UserElement(0)]}, "element_id"),
        (
            {"prompt": "x", "user_elements": [leo.UserElement(1, float("nan"))]},
            "user_elements[0].weight",
        ),
        ({"prompt": "x", "user_elements": ["1"]}, "user_elements[0]"),
        (
            {"prompt": "x", "elements": [leo.PlatformElementRef("nope")]},
            "elements[0].ak_uuid",
        ),
        (
            {
                "prompt": "x",
                "elements": [
                    leo.PlatformElement(
                        str(uuid.uuid4()), weight_default=3.0, weight_max=2.0
                    )
                ],
            },
            "elements[0].weight",
        ),
        ({"prompt": "x", "max_credits": -1}, "max_credits"),
    ],
)
async def test_bad_arguments_name_themselves_and_send_nothing(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    arguments: dict[str, Any],
    argument: str,
) -> None:
    with pytest.raises((ValueError, TypeError), match=argument.replace("[", r"\[")):
        await client.generations.create(**arguments)
    assert fake.requests == []


async def test_a_lost_answer_is_recovered_by_prompt_and_not_sent_again(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    await client.generations.create(prompt="another prompt")
    fake.inject_fault("POST", "/generations", drop_connection=True)
    job = await client.generations.create(prompt="a lighthouse")
    assert job.recovered
    assert job.generation_id == fake.generation_ids()[-1]  # the server did act
    assert paths(fake, "POST") == ["/generations"] * 2


async def test_a_lost_answer_without_a_match_is_unknown(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("POST", "/generations", status=500)  # not acted on
    with pytest.raises(leo.GenerationOutcomeUnknownError) as caught:
        await client.generations.create(prompt="a lighthouse")
    assert isinstance(caught.value, leo.OutcomeUnknownError)
    assert caught.value.prompt == "a lighthouse"
    assert caught.value.candidates == []
    assert paths(fake, "POST") == ["/generations"]


async def test_a_failed_generation_is_not_an_http_error(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.fail_next_generation()
    job = await quick.generations.create(prompt="doomed")
    with pytest.raises(leo.GenerationFailedError) as caught:
        await quick.wait_for_generation(job.generation_id)
    assert isinstance(caught.value, leo.JobFailedError)
    assert caught.value.generation.status == leo.JobStatus.FAILED
    ok = await quick.generations.create(prompt="fine")
    both = await quick.wait_for_generations([job.generation_id, ok.generation_id])
    assert [g.status for g in both] == [leo.JobStatus.FAILED, leo.JobStatus.COMPLETE]


async def test_a_generation_wait_times_out_with_the_last_one_seen(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.generation_seconds = 60
    job = await quick.generations.create(prompt="slow")
    with pytest.raises(leo.GenerationTimeoutError) as caught:
        await quick.wait_for_generation(job.generation_id, timeout=0.1)
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.pending_ids == [job.generation_id]
    assert caught.value.generation is not None
    seen = []

    async def watch() -> None:
        async for generation in quick.watch_generation(job.generation_id, timeout=0.1):
            seen.append(generation.status)

    with pytest.raises(leo.GenerationTimeoutError):
        await watch()
    assert seen == [leo.JobStatus.PENDING]


async def test_generation_waits_default_to_a_fast_schedule(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.generation_seconds = 0.5
    job = await client.generations.create(prompt="quick")
    done = await client.wait_for_generation(job.generation_id, timeout=5)
    assert done.status == leo.JobStatus.COMPLETE
    # A training's 5 s first pause would have taken 5 s and two polls.
    gets = [p for p in paths(fake, "GET") if p.startswith("/generations/")]
    assert 2 <= len(gets) <= 4


async def test_a_batch_with_user_id_reads_one_page_a_round(
    quick: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    jobs = [await quick.generations.create(prompt=f"p{i}") for i in range(3)]
    fake.requests.clear()
    done = await quick.wait_for_generations(
        [j.generation_id for j in jobs], user_id=fake.user_id
    )
    assert [g.id for g in done] == [j.generation_id for j in jobs]
    listing = f"/generations/user/{fake.user_id}"
    # A list while several are pending; a GET when only one is left.
    assert paths(fake)[0] == listing
    by_id = {f"/generations/{j.generation_id}" for j in jobs}
    assert set(paths(fake)) <= {listing} | by_id


async def test_pages_come_newest_first_and_iter_reads_them_all(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    ids = [
        (await client.generations.create(prompt=f"n{i}")).generation_id
        for i in range(5)
    ]
    page = await client.generations.list_for_user(fake.user_id, offset=1, limit=2)
    assert [g.id for g in page] == [ids[3], ids[2]]
    assert fake.requests[-1].query == {"offset": "1", "limit": "2"}
    fake.requests.clear()
    every = [
        g.id async for g in client.generations.iter_for_user(fake.user_id, page_size=2)
    ]
    assert every == ids[::-1]
    assert len(fake.requests) == 3  # 2 + 2 + 1: the short page ends it
    with pytest.raises(ValueError, match="page_size"):
        client.generations.iter_for_user(fake.user_id, page_size=51)
    with pytest.raises(ValueError, match="limit"):
        await client.generations.list_for_user(fake.user_id, limit=0)


async def test_delete_and_not_found(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    job = await client.generations.create(prompt="gone soon")
    assert await client.generations.delete(job.generation_id) == job.generation_id
    with pytest.raises(leo.NotFoundError, match="no generation"):
        await client.generations.get(job.generation_id)
    with pytest.raises(ValueError, match="generation_id"):
        await client.generations.get("nope")


async def test_raw_responses_of_generations_and_pricing(
    client: leo.LeonardoClient,
) -> None:
    raw = await client.with_raw_response.generations.create(prompt="raw")
    assert raw.status == 200 and raw.method == "POST"
    assert isinstance(raw.parse(), leo.GenerationJob)
    priced = await client.with_raw_response.pricing.training_cost(resolution=512)
    assert priced.parse() == 125


# Downloads.


async def _finished(client: leo.LeonardoClient, images: int = 2) -> leo.Generation:
    job = await client.generations.create(prompt="to disk", num_images=images)
    return await client.wait_for_generation(job.generation_id)


async def test_a_download_never_overwrites_unless_asked(
    quick: leo.LeonardoClient, fake: FakeLeonardo, tmp_path: pathlib.Path
) -> None:
    done = await _finished(quick)
    (tmp_path / f"{done.id}-2.png").write_bytes(b"mine")
    before = len(fake.requests)
    with pytest.raises(FileExistsError, match="overwrite"):
        await quick.generations.download(done, tmp_path)
    assert len(fake.requests) == before  # refused before any download
    assert (tmp_path / f"{done.id}-2.png").read_bytes() == b"mine"
    files = await quick.generations.download(done, tmp_path, overwrite=True)
    assert files[1].read_bytes().startswith(b"\x89PNG")


async def test_a_failed_download_says_what_was_written_and_leaves_no_part(
    quick: leo.LeonardoClient, fake: FakeLeonardo, tmp_path: pathlib.Path
) -> None:
    done = await _finished(quick)
    fake.inject_fault(
        "GET", f"/storage/generations/{done.id}-2.png", status=403, times=9
    )
    progress: list[tuple[int, int]] = []
    with pytest.raises(leo.ImageDownloadError) as caught:
        await quick.generations.download(
            done, tmp_path, concurrency=1, on_progress=lambda *p: progress.append(p)
        )
    assert [p.name for p in caught.value.written] == [f"{done.id}-1.png"]
    assert caught.value.failed_url == done.images[1].url
    assert isinstance(caught.value.__cause__, leo.PermissionDeniedError)
    assert progress == [(1, 2)]
    assert os.listdir(tmp_path) == [f"{done.id}-1.png"]


async def test_a_body_that_is_not_an_image_is_refused(
    quick: leo.LeonardoClient, fake: FakeLeonardo, tmp_path: pathlib.Path
) -> None:
    done = await _finished(quick, images=1)
    fake.inject_fault("GET", "/storage/generations/*", body="<html>sign in</html>")
    with pytest.raises(leo.ImageDownloadError, match="not an image") as caught:
        await quick.generations.download(done, tmp_path)
    assert caught.value.written == []
    assert os.listdir(tmp_path) == []


async def test_a_list_of_images_is_named_by_image_id(
    quick: leo.LeonardoClient, tmp_path: pathlib.Path
) -> None:
    done = await _finished(quick)
    files = await quick.generations.download(done.images[1:], tmp_path / "a" / "b")
    assert [f.name for f in files] == [f"{done.images[1].id}.png"]


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("a string", "Generation or a list"),
        ([object()], r"images\[0\]"),
        ([leo.GeneratedImage("x")], "no URL"),
        ([leo.GeneratedImage("x", "ftp://host/a.png")], "url"),
    ],
)
async def test_bad_download_arguments_send_nothing(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    tmp_path: pathlib.Path,
    source: Any,
    problem: str,
) -> None:
    with pytest.raises((TypeError, ValueError), match=problem):
        await client.generations.download(source, tmp_path)
    assert fake.requests == []


# Pricing.


async def test_prices_follow_the_arguments(client: leo.LeonardoClient) -> None:
    small = await client.pricing.generation_cost(prompt="x", width=512, height=512)
    big = await client.pricing.generation_cost(prompt="x", num_images=4)
    assert 0 < small < big
    flux = await client.pricing.training_cost(
        resolution=1024, sd_version="FLUX_DEV", image_count=20
    )
    assert flux > await client.pricing.training_cost(
        resolution=1024, sd_version="FLUX_DEV", image_count=10
    )


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"resolution": 640}, "resolution"),
        ({"resolution": 1024, "sd_version": "FLUX_DEV"}, "image_count"),
        ({"resolution": 1024, "image_count": 3}, "image_count"),
        (
            {"resolution": 1024, "sd_version": "SDXL_1_0", "image_count": 3},
            "sd_version",
        ),
        (
            {"resolution": 1024, "sd_version": "FLUX_DEV", "image_count": 51},
            "image_count",
        ),
    ],
)
async def test_bad_training_price_arguments(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    arguments: dict[str, Any],
    argument: str,
) -> None:
    with pytest.raises(ValueError, match=argument):
        await client.pricing.training_cost(**arguments)
    assert fake.requests == []


async def test_a_size_the_calculator_refuses_names_it(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    with pytest.raises(ValueError, match="width 1536"):
        await client.pricing.generation_cost(prompt="x", width=1536, num_images=1)
    assert fake.requests == []


async def test_max_credits_stops_every_create_that_costs_too_much(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    with pytest.raises(leo.BudgetExceededError) as caught:
        await client.generations.create(prompt="x", max_credits=1)
    assert caught.value.estimate == await client.pricing.generation_cost(prompt="x")
    with pytest.raises(leo.BudgetExceededError):
        await client.models.train(
            name="m", dataset_id=DATASET_ID, instance_prompt="sks", max_credits=10
        )
    for _ in range(2):
        await client.datasets.upload_image(DATASET_ID, PNG, extension="png")
    fake.requests.clear()
    with pytest.raises(leo.BudgetExceededError, match="120 credits"):
        await client.elements.train(
            name="e", dataset_id=DATASET_ID, lora_focus="Style", max_credits=99
        )
    # FLUX_DEV is priced by the dataset's images: counted with one GET.
    assert paths(fake) == [f"/datasets/{DATASET_ID}", "/pricing-calculator"]
    assert fake.trainings == [] and fake.element_trainings == []
    assert fake.generation_ids() == []
    await client.models.train(
        name="m", dataset_id=DATASET_ID, instance_prompt="sks", max_credits=125
    )
    await client.elements.train(
        name="e",
        dataset_id=DATASET_ID,
        lora_focus="Style",
        sd_version="SDXL_1_0",
        instance_prompt="sks",
        max_credits=125,
    )
    await client.generations.create(prompt="x", max_credits=1000)
    assert len(fake.trainings) == len(fake.element_trainings) == 1
    assert len(fake.generation_ids()) == 1


async def test_no_estimate_means_no_job(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    fake.inject_fault("POST", "/pricing-calculator", status=400)
    with pytest.raises(leo.BudgetExceededError, match="no cost estimate") as caught:
        await client.generations.create(prompt="x", max_credits=1000)
    assert isinstance(caught.value.__cause__, leo.BadRequestError)
    with pytest.raises(leo.BudgetExceededError, match="no cost estimate"):
        await client.generations.create(
            prompt="x", width=1536, num_images=1, max_credits=1000
        )
    assert paths(fake, "POST") == ["/pricing-calculator"]


@pytest.mark.parametrize(
    ("body", "extension"),
    [
        (b"\xff\xd8\xff\xe0" + bytes(8), "jpg"),
        (b"GIF89a" + bytes(8), "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    ],
)
async def test_the_extension_comes_from_the_image_itself(
    quick: leo.LeonardoClient,
    fake: FakeLeonardo,
    tmp_path: pathlib.Path,
    body: bytes,
    extension: str,
) -> None:
    done = await _finished(quick, images=1)
    fake.inject_fault("GET", "/storage/generations/*", body=body)  # any type
    (file,) = await quick.generations.download(done, tmp_path)
    assert file.name == f"{done.id}-1.{extension}"
    assert file.read_bytes() == body


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"folder": 3}, TypeError),
        ({"concurrency": 0}, ValueError),
        ({"overwrite": "yes"}, TypeError),
        ({"on_progress": "print"}, TypeError),
    ],
)
async def test_bad_download_options_send_nothing(
    quick: leo.LeonardoClient,
    fake: FakeLeonardo,
    tmp_path: pathlib.Path,
    arguments: dict[str, Any],
    error: type[Exception],
) -> None:
    done = await _finished(quick, images=1)
    before = len(fake.requests)
    options = {"folder": tmp_path, **arguments}
    with pytest.raises(error, match=next(iter(arguments))):
        await quick.generations.download(done, **options)
    assert len(fake.requests) == before


async def test_max_credits_takes_a_number(client: leo.LeonardoClient) -> None:
    with pytest.raises(TypeError, match="max_credits"):
        await client.generations.create(prompt="x", max_credits=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sd_version"):
        await client.pricing.training_cost(resolution=1024, sd_version="nope")
    with pytest.raises(TypeError, match="resolution"):
        await client.pricing.training_cost(resolution="1024")  # type: ignore[arg-type]


async def test_downloaded_files_are_made_like_any_file(
    quick: leo.LeonardoClient, tmp_path: pathlib.Path
) -> None:
    done = await _finished(quick, images=1)
    umask = os.umask(0o022)
    try:
        (file,) = await quick.generations.download(done, tmp_path)
    finally:
        os.umask(umask)
    assert file.stat().st_mode & 0o777 == 0o644  # not a temporary file's 0600
