from __future__ import annotations

import asyncio
import json
import pathlib
from datetime import timezone

import pytest

import leonardo_async as leo
from leonardo_async.testing import FakeLeonardo

from .conftest import MODEL_ID, FakeTime, leftover_tasks, paths, with_time

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def images(tmp_path: pathlib.Path) -> list[pathlib.Path]:
    files = []
    for index, suffix in enumerate(["png", "JPG", "jpeg", "webp", "png"]):
        path = tmp_path / f"image{index}.{suffix}"
        path.write_bytes(PNG + bytes([index]))
        files.append(path)
    return files


async def test_me_and_list_mine(client: leo.LeonardoClient, fake: FakeLeonardo) -> None:
    me = await client.users.me()
    assert me.id == fake.user_id
    assert me.username == "fake-user"
    assert me.subscription_model_tokens == 10
    assert me.api_concurrency_slots == 10
    assert me.token_renewal_date is not None
    assert me.token_renewal_date.tzinfo == timezone.utc
    model_id = fake.add_model(name="mine")
    fake.add_model(name="not mine", owner=MODEL_ID)
    assert [m.id for m in await client.models.list_mine()] == [model_id]
    assert paths(fake)[-2:] == ["/me", f"/models/user/{fake.user_id}"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ('{"user_details": []}', "$.user_details[0].user"),
        ('{"user_details": [{"user": null}]}', "$.user_details[0].user"),
        ('{"user_details": [{"user": {"name": "x"}}]}', "$.user_details[0].user.id"),
        ('{"nothing": 1}', "$.user_details"),
    ],
)
async def test_me_without_a_user_does_not_fit(
    client: leo.LeonardoClient, fake: FakeLeonardo, body: str, path: str
) -> None:
    fake.inject_fault("GET", "/me", body=body)
    with pytest.raises(leo.ResponseValidationError) as caught:
        await client.users.me()
    assert caught.value.path == path


async def test_create_get_delete(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    dataset_id = await client.datasets.create("cats")
    assert fake.requests[-1].json == {"name": "cats"}
    described = await client.datasets.create("dogs", description="good dogs")
    assert fake.requests[-1].json == {"name": "dogs", "description": "good dogs"}
    dataset = await client.datasets.get(dataset_id)
    assert (dataset.id, dataset.name, dataset.description, dataset.images) == (
        dataset_id,
        "cats",
        None,
        [],
    )
    assert dataset.created_at is not None and dataset.created_at.tzinfo is not None
    assert await client.datasets.delete(dataset_id) == dataset_id
    with pytest.raises(leo.NotFoundError):
        await client.datasets.get(dataset_id)
    with pytest.raises(leo.NotFoundError):
        await client.datasets.delete(dataset_id)
    assert fake.dataset_ids()[-1] == described and dataset_id not in fake.dataset_ids()


async def test_dataset_arguments_are_checked_first(
    client: leo.LeonardoClient, fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    with pytest.raises(ValueError, match="name must not be empty"):
        await client.datasets.create("")
    with pytest.raises(TypeError, match="description"):
        await client.datasets.create("x", description=3)  # type: ignore[arg-type]
    for call in (client.datasets.get, client.datasets.delete):
        with pytest.raises(ValueError, match="dataset_id must be a UUID"):
            await call("../models")
    with pytest.raises(ValueError, match="generated_image_id"):
        await client.datasets.upload_generated_image(MODEL_ID, "nope")
    with pytest.raises(ValueError, match="dataset_id"):
        await client.datasets.upload_image("nope", images[0])
    assert fake.requests == []


async def test_upload_a_file_intact_without_the_key(
    client: leo.LeonardoClient, fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    dataset_id = await client.datasets.create("cats")
    image_id = await client.datasets.upload_image(dataset_id, images[1])
    [upload] = fake.uploads
    assert upload.data == images[1].read_bytes()
    assert upload.filename == "image1.JPG"
    assert upload.content_type == "image/jpeg"
    slot_request = fake.requests[-2]
    assert (slot_request.path, slot_request.json) == (
        f"/datasets/{dataset_id}/upload",
        {"extension": "jpg"},
    )
    issued = json.loads(json.dumps(upload.fields))
    assert [name for name, _ in issued][:2] == [
        "Content-Type",
        "bucket",
    ]  # the order issued
    assert "Authorization" not in upload.headers
    everything = json.dumps(
        [upload.fields, dict(upload.headers), upload.key, fake.storage_url]
    )
    assert fake.api_key not in everything
    dataset = await client.datasets.get(dataset_id)
    assert [image.id for image in dataset.images] == [image_id]
    assert dataset.images[0].url is not None and upload.key in dataset.images[0].url


async def test_upload_bytes_needs_an_extension(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    dataset_id = await client.datasets.create("cats")
    before = len(fake.requests)
    with pytest.raises(ValueError, match="extension is required"):
        await client.datasets.upload_image(dataset_id, PNG)
    with pytest.raises(
        ValueError, match="extension must be one of png, jpg, jpeg, webp"
    ):
        await client.datasets.upload_image(dataset_id, PNG, extension="gif")
    with pytest.raises(TypeError, match="image must be a path or bytes"):
        await client.datasets.upload_image(dataset_id, 42)  # type: ignore[arg-type]
    assert len(fake.requests) == before
    await client.datasets.upload_image(dataset_id, PNG, extension=".PNG")
    assert fake.uploads[0].data == PNG
    assert fake.uploads[0].filename == "image.png"


async def test_a_bad_file_sends_nothing(
    client: leo.LeonardoClient, fake: FakeLeonardo, tmp_path: pathlib.Path
) -> None:
    gif = tmp_path / "cat.gif"
    gif.write_bytes(b"GIF89a")
    with pytest.raises(ValueError, match=r"cat\.gif"):
        await client.datasets.upload_image(MODEL_ID, gif)
    with pytest.raises(FileNotFoundError):
        await client.datasets.upload_image(MODEL_ID, tmp_path / "missing.png")
    with pytest.raises(FileNotFoundError):
        await client.datasets.upload_images(
            MODEL_ID, [gif.with_suffix(".png"), tmp_path / "missing.png"]
        )
    assert fake.requests == []


async def test_upload_many_in_order_with_progress(
    client: leo.LeonardoClient, fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    dataset_id = await client.datasets.create("cats")
    fake.inject_fault("POST", "/storage/*", delay=0.05, times=5)
    progress: list[tuple[int, int]] = []

    async def record(done: int, total: int) -> None:
        progress.append((done, total))

    ids = await client.datasets.upload_images(
        dataset_id, images, concurrency=2, on_progress=record
    )
    assert progress == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    by_key = {upload.key: upload.data for upload in fake.uploads}
    for image_id, image in zip(ids, images, strict=True):
        [data] = [d for key, d in by_key.items() if image_id in key]
        assert data == image.read_bytes()
    assert fake.max_in_flight <= 2
    assert await client.datasets.upload_images(dataset_id, []) == []


async def test_a_failed_upload_cancels_the_rest_and_reports_what_went_up(
    client: leo.LeonardoClient, fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    dataset_id = await client.datasets.create("cats")
    fake.inject_fault("POST", "/storage/*", delay=0.05, times=2)
    fake.inject_fault("POST", "/storage/*", status=403, times=1)
    fake.inject_fault("POST", "/storage/*", delay=5, times=5)
    with pytest.raises(leo.ImageUploadError) as caught:
        await client.datasets.upload_images(dataset_id, images, concurrency=2)
    error = caught.value
    assert isinstance(error.__cause__, leo.PermissionDeniedError)
    assert error.__cause__.message == "injected fault"
    assert error.__cause__.code == "InjectedFault"
    done = [image_id for image_id in error.uploaded if image_id is not None]
    assert len(done) == 2 and error.uploaded[error.failed_index] is None
    assert len(error.uploaded) == 5
    assert "2 of 5 images were uploaded" in str(error)
    dataset = await client.datasets.get(dataset_id)
    assert sorted(i.id for i in dataset.images) == sorted(done)
    assert leftover_tasks() == set()


async def test_storage_errors_are_retried_and_mapped(
    client: leo.LeonardoClient,
    fake: FakeLeonardo,
    fake_time: FakeTime,
    images: list[pathlib.Path],
) -> None:
    timed = with_time(client, fake_time)
    dataset_id = await timed.datasets.create("cats")
    fake.inject_fault("POST", "/storage/*", status=503, times=1)
    fake.inject_fault("POST", "/storage/*", drop_connection=True, times=1)
    image_id = await timed.datasets.upload_image(dataset_id, images[0])
    storage_posts = [r for r in fake.requests if r.path.startswith("/storage/")]
    assert len(storage_posts) == 3
    assert (
        len(fake.uploads) == 2
    )  # the dropped one had landed; writing the key again is harmless
    assert [i.id for i in (await timed.datasets.get(dataset_id)).images] == [image_id]
    fake.inject_fault("POST", "/storage/*", status=503, times=3)
    with pytest.raises(leo.ServerError) as caught:
        await timed.datasets.upload_image(dataset_id, images[0])
    assert caught.value.message == "injected fault"
    assert caught.value.url == fake.storage_url


async def test_storage_refuses_a_changed_form(
    fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    import aiohttp

    async with leo.LeonardoClient(fake.api_key, base_url=fake.base_url) as client:
        dataset_id = await client.datasets.create("cats")
    async with aiohttp.ClientSession() as session:
        async with session.post(
            fake.base_url + f"/datasets/{dataset_id}/upload",
            json={"extension": "png"},
            headers={"Authorization": f"Bearer {fake.api_key}"},
        ) as answer:
            slot = (await answer.json())["uploadDatasetImage"]
        fields = json.loads(slot["fields"])

        async def post(form: aiohttp.FormData) -> tuple[int, str]:
            async with session.post(slot["url"], data=form) as answer:
                return answer.status, await answer.text()

        changed = aiohttp.FormData()
        for name, value in fields.items():
            changed.add_field(name, value + ("x" if name == "Policy" else ""))
        changed.add_field("file", PNG, filename="a.png")
        status, text = await post(changed)
        assert status == 403 and "<Code>AccessDenied</Code>" in text
        late = aiohttp.FormData()
        late.add_field("file", PNG, filename="a.png")
        for name, value in fields.items():
            late.add_field(name, value)
        status, text = await post(late)
        assert status == 400 and "last field" in text
        missing = aiohttp.FormData(default_to_multipart=True)
        for name, value in fields.items():
            missing.add_field(name, value)
        status, text = await post(missing)
        assert status == 400 and "file upload" in text
        async with session.post(slot["url"], data=b"raw") as answer:
            assert answer.status == 400
    assert fake.uploads == []


@pytest.mark.parametrize(
    ("slot", "path"),
    [
        (
            {"url": "https://s3.example.com/b", "fields": "not json", "id": "i"},
            "$.uploadDatasetImage.fields",
        ),
        (
            {"url": "https://s3.example.com/b", "fields": '{"key": 1}', "id": "i"},
            "$.uploadDatasetImage.fields",
        ),
        (
            {"url": "http://s3.example.com/b", "fields": "{}", "id": "i"},
            "$.uploadDatasetImage.url",
        ),
        (
            {"url": "https://s3.example.com/b", "fields": "{}", "id": None},
            "$.uploadDatasetImage.id",
        ),
        (None, "$.uploadDatasetImage"),
    ],
)
async def test_a_slot_that_does_not_fit(
    client: leo.LeonardoClient, fake: FakeLeonardo, slot: object, path: str
) -> None:
    dataset_id = await client.datasets.create("cats")
    fake.inject_fault(
        "POST", "/datasets/*/upload", body=json.dumps({"uploadDatasetImage": slot})
    )
    with pytest.raises(leo.ResponseValidationError) as caught:
        await client.datasets.upload_image(dataset_id, PNG, extension="png")
    assert caught.value.path == path
    assert fake.uploads == []


async def test_upload_a_generated_image(
    client: leo.LeonardoClient, fake: FakeLeonardo
) -> None:
    dataset_id = await client.datasets.create("cats")
    image_id = await client.datasets.upload_generated_image(dataset_id, MODEL_ID)
    assert fake.requests[-1].json == {"generatedImageId": MODEL_ID}
    assert [i.id for i in (await client.datasets.get(dataset_id)).images] == [image_id]


async def test_creating_is_never_sent_twice(
    client: leo.LeonardoClient, fake: FakeLeonardo, fake_time: FakeTime
) -> None:
    timed = with_time(client, fake_time)
    fake.inject_fault("POST", "/datasets", status=502)
    with pytest.raises(leo.ServerError):
        await timed.datasets.create("cats")
    fake.inject_fault("POST", "/datasets", status=429)
    assert await timed.datasets.create("cats") in fake.dataset_ids()
    assert paths(fake, "POST") == ["/datasets"] * 3


async def test_upload_images_arguments(
    client: leo.LeonardoClient, fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        await client.datasets.upload_images(MODEL_ID, images, concurrency=0)
    with pytest.raises(TypeError, match="list of paths"):
        await client.datasets.upload_images(MODEL_ID, str(images[0]))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_progress"):
        await client.datasets.upload_images(MODEL_ID, images, on_progress=5)  # type: ignore[arg-type]
    assert fake.requests == []


async def test_cancelling_upload_images_leaves_nothing(
    client: leo.LeonardoClient, fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    dataset_id = await client.datasets.create("cats")
    fake.inject_fault("POST", "/storage/*", delay=5, times=5)
    task = asyncio.create_task(client.datasets.upload_images(dataset_id, images))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert leftover_tasks() == set()


async def test_an_on_progress_that_raises_is_raised_unchanged(
    client: leo.LeonardoClient, fake: FakeLeonardo, images: list[pathlib.Path]
) -> None:
    # One rule for every callback: the user's exception, as it is.
    dataset_id = await client.datasets.create("cats")

    def broken(done: int, total: int) -> None:
        raise KeyError("my bug")

    with pytest.raises(KeyError, match="my bug"):
        await client.datasets.upload_images(dataset_id, images, on_progress=broken)
    assert leftover_tasks() == set()


async def test_a_404_that_is_not_the_apis_suggests_the_base_url(
    fake: FakeLeonardo,
) -> None:
    wrong = fake.base_url.removesuffix("/api/rest/v1")
    async with leo.LeonardoClient(fake.api_key, base_url=wrong) as client:
        with pytest.raises(leo.NotFoundError, match="/api/rest/v1"):
            await client.models.list_platform()
