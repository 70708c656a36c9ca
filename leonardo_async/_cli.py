"""The ``leonardo-async`` command: the demo, the fake server, and the real API.

Exit codes: 0 success, 1 an API or connection error, 2 bad usage, 3 a training
failed, 4 a wait timed out, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import pathlib
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any, TextIO

from ._client import LeonardoClient
from ._console import (
    MODEL_HEADERS,
    Progress,
    UploadProgress,
    model_rows,
    table,
    to_jsonable,
)
from ._data import CustomModelType, JobStatus, SdVersion, Strength
from ._datasets import CONTENT_TYPES
from ._errors import LeonardoError, TrainingFailedError, TrainingTimeoutError

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_TRAINING_FAILED = 3
EXIT_WAIT_TIMEOUT = 4
EXIT_INTERRUPTED = 130

EXAMPLES = """\
examples:
  leonardo-async demo                          # the whole story, offline
  leonardo-async me
  leonardo-async platform-models
  leonardo-async models list --me --json
  leonardo-async datasets create cats
  leonardo-async datasets upload DATASET_ID cats/*.png --concurrency 4
  leonardo-async models train --name my-style --images cats/ \\
      --instance-prompt "a photo of sks" --resolution 768 --wait
  leonardo-async models wait MODEL_ID [MODEL_ID ...]
  leonardo-async models delete MODEL_ID --yes
  leonardo-async fake-server --port 8765       # for tests in any language

The key comes from LEONARDO_API_KEY; the API root from --base-url or
LEONARDO_BASE_URL. Exit codes: 0 ok, 1 API error, 2 usage, 3 training
failed, 4 wait timed out, 130 interrupted.
"""


class UsageError(Exception):
    """A mistake in the command line, reported with exit code 2."""


def _client(args: argparse.Namespace) -> LeonardoClient:
    return LeonardoClient(base_url=args.base_url, timeout=args.timeout)


def _emit(args: argparse.Namespace, value: Any, human: Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(to_jsonable(value), indent=2))
    else:
        print(human())


def _progress_stream(args: argparse.Namespace) -> tuple[TextIO, bool]:
    # With --json, stdout holds the one JSON document; progress goes to stderr.
    if args.json:
        return sys.stderr, False
    return sys.stdout, sys.stdout.isatty()


async def _me(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        me = await client.users.me()
    _emit(
        args,
        me,
        lambda: table([[k, v] for k, v in to_jsonable(me).items()], ["field", "value"]),
    )
    return EXIT_OK


async def _platform_models(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        models = await client.models.list_platform()
    _emit(
        args,
        models,
        lambda: table(
            [
                [m.id, m.name, "yes" if m.featured else "", m.description]
                for m in models
            ],
            ["id", "name", "featured", "description"],
        ),
    )
    return EXIT_OK


async def _models_list(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        if args.me:
            models = await client.models.list_mine()
        else:
            models = await client.models.list_for_user(args.user)
    _emit(args, models, lambda: table(model_rows(models), MODEL_HEADERS))
    return EXIT_OK


async def _models_get(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        model = await client.models.get(args.model_id)
    _emit(args, model, lambda: table(model_rows([model]), MODEL_HEADERS))
    return EXIT_OK


async def _wait(
    client: LeonardoClient, args: argparse.Namespace, ids: list[str]
) -> int:
    out, live = _progress_stream(args)
    with Progress(out, live=live, names=dict.fromkeys(ids, "")) as progress:
        models = await client.wait_for_trainings(
            ids,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=max(args.poll_interval, 60.0),
            on_status=progress.update,
        )
    _emit(args, models, lambda: table(model_rows(models), MODEL_HEADERS))
    failed = [m for m in models if m.status == JobStatus.FAILED]
    if failed:
        raise TrainingFailedError(failed[0])
    return EXIT_OK


def _image_files(folder: str) -> list[pathlib.Path]:
    path = pathlib.Path(folder)
    if not path.is_dir():
        raise UsageError(f"--images {folder!r} is not a folder")
    files = sorted(
        p
        for p in path.iterdir()
        if p.is_file() and p.suffix.lower().lstrip(".") in CONTENT_TYPES
    )
    if not files:
        raise UsageError(f"--images {folder!r} holds no png, jpg, jpeg or webp file")
    return files


async def _upload(
    client: LeonardoClient,
    args: argparse.Namespace,
    dataset_id: str,
    files: Sequence[str | pathlib.Path],
) -> list[str]:
    out, live = _progress_stream(args)
    with UploadProgress(out, live=live, total=len(files)) as progress:
        return await client.datasets.upload_images(
            dataset_id, files, concurrency=args.concurrency, on_progress=progress.update
        )


async def _models_train(args: argparse.Namespace) -> int:
    if (args.dataset_id is None) == (args.images is None):
        raise UsageError("give exactly one of --dataset-id and --images")
    files = _image_files(args.images) if args.images is not None else []
    async with _client(args) as client:
        dataset_id = args.dataset_id
        if files:
            dataset_id = await client.datasets.create(args.name)
            if not args.json:
                print(f"dataset {dataset_id} created", flush=True)
            await _upload(client, args, dataset_id, files)
        job = await client.models.train(
            name=args.name,
            dataset_id=dataset_id,
            instance_prompt=args.instance_prompt,
            description=args.description,
            model_type=args.model_type,
            nsfw=True if args.nsfw else None,
            resolution=args.resolution,
            sd_version=args.sd_version,
            strength=args.strength,
        )
        if not args.wait:
            cost = f" (cost {job.cost.amount} {job.cost.unit})" if job.cost else ""
            _emit(
                args,
                job,
                lambda: f"training started: model {job.custom_model_id}{cost}",
            )
            return EXIT_OK
        if not args.json:
            print(f"training started: model {job.custom_model_id}", flush=True)
        return await _wait(client, args, [job.custom_model_id])


async def _models_wait(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        return await _wait(client, args, list(args.model_ids))


async def _models_delete(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        deleted = await client.models.delete(args.model_id)
    _emit(args, {"deleted": deleted}, lambda: f"deleted model {deleted}")
    return EXIT_OK


async def _datasets_create(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        dataset_id = await client.datasets.create(args.name, args.description)
    _emit(args, {"id": dataset_id}, lambda: f"created dataset {dataset_id}")
    return EXIT_OK


async def _datasets_get(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        dataset = await client.datasets.get(args.dataset_id)

    def human() -> str:
        created = dataset.created_at and dataset.created_at.isoformat(
            timespec="seconds"
        )
        head = f"{dataset.name} ({dataset.id}), created {created}"
        rows = [[i.id, i.url] for i in dataset.images]
        return f"{head}\n{len(rows)} images\n" + table(rows, ["image id", "url"])

    _emit(args, dataset, human)
    return EXIT_OK


async def _datasets_upload(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        ids = await _upload(client, args, args.dataset_id, args.files)
    _emit(
        args,
        {"image_ids": ids},
        lambda: table(
            [[str(f), i] for f, i in zip(args.files, ids, strict=True)],
            ["file", "image id"],
        ),
    )
    return EXIT_OK


async def _datasets_delete(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        deleted = await client.datasets.delete(args.dataset_id)
    _emit(args, {"deleted": deleted}, lambda: f"deleted dataset {deleted}")
    return EXIT_OK


async def _fake_server(args: argparse.Namespace) -> int:
    from .testing import FakeLeonardo

    fake = FakeLeonardo(
        training_seconds=args.training_seconds,
        api_key=args.api_key,
        host=args.host,
        port=args.port,
    )
    async with fake:
        print(f"LEONARDO_BASE_URL={fake.base_url}", flush=True)
        print(f"LEONARDO_API_KEY={fake.api_key}", flush=True)
        print(f"user id: {fake.user_id}  (Ctrl-C to stop)", flush=True)
        await asyncio.Event().wait()
    return EXIT_OK  # pragma: no cover - only left by an interrupt


async def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    return await run_demo(args.trainings, args.training_seconds, args.images)


def _command(
    commands: Any,
    name: str,
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, int]],
    help_text: str,
    example: str,
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        parents=list(parents),
        help=help_text,
        description=help_text,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON document")
    common.add_argument(
        "--base-url", help="the API root (default: LEONARDO_BASE_URL, else production)"
    )
    common.add_argument(
        "--timeout", type=float, default=60.0, help="seconds per call (default 60)"
    )
    waiting = argparse.ArgumentParser(add_help=False)
    waiting.add_argument(
        "--wait-timeout",
        type=float,
        default=3600.0,
        help="seconds to wait (default 3600)",
    )
    waiting.add_argument(
        "--poll-interval",
        type=float,
        default=5.0,
        help="first pause between polls (default 5)",
    )
    uploading = argparse.ArgumentParser(add_help=False)
    uploading.add_argument(
        "--concurrency", type=int, default=4, help="uploads at once (default 4)"
    )

    parser = argparse.ArgumentParser(
        prog="leonardo-async",
        description="The Leonardo.AI Models API from the command line.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _command(
        commands,
        "demo",
        _demo,
        "run the whole story on an embedded fake server",
        "leonardo-async demo --trainings 5 --training-seconds 2",
    )
    demo.add_argument(
        "--trainings", type=int, default=5, help="trainings to start (default 5)"
    )
    demo.add_argument(
        "--training-seconds",
        type=float,
        default=2.0,
        help="how long each takes (default 2)",
    )
    demo.add_argument(
        "--images", type=int, default=4, help="sample images to upload (default 4)"
    )

    fake = _command(
        commands,
        "fake-server",
        _fake_server,
        "serve the fake API until interrupted",
        "leonardo-async fake-server --port 8765 --api-key test-key",
    )
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=0, help="0 picks a free port")
    fake.add_argument("--training-seconds", type=float, default=5.0)
    fake.add_argument("--api-key", help="the key it accepts (default: random)")

    _command(
        commands,
        "me",
        _me,
        "show who the key belongs to",
        "leonardo-async me --json",
        [common],
    )
    _command(
        commands,
        "platform-models",
        _platform_models,
        "list the platform models",
        "leonardo-async platform-models --json",
        [common],
    )

    models = commands.add_parser("models", help="your custom models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = _command(
        actions,
        "list",
        _models_list,
        "list a user's models",
        "leonardo-async models list --me",
        [common],
    )
    owner = listing.add_mutually_exclusive_group(required=True)
    owner.add_argument("--user", help="the user's id")
    owner.add_argument("--me", action="store_true", help="the key's own user")
    get = _command(
        actions,
        "get",
        _models_get,
        "show one model",
        "leonardo-async models get MODEL_ID --json",
        [common],
    )
    get.add_argument("model_id")
    train = _command(
        actions,
        "train",
        _models_train,
        "start a training (costs money)",
        "leonardo-async models train --name my-style --images cats/ "
        "--instance-prompt 'a photo of sks' --wait",
        [common, waiting, uploading],
    )
    train.add_argument("--name", required=True)
    train.add_argument("--dataset-id", help="an existing dataset to train on")
    train.add_argument("--images", help="a folder of images: make a dataset of them")
    train.add_argument("--instance-prompt", required=True)
    train.add_argument("--description")
    train.add_argument("--model-type", choices=[t.value for t in CustomModelType])
    train.add_argument("--resolution", type=int, choices=[512, 768])
    train.add_argument(
        "--sd-version", choices=[SdVersion.V1_5.value, SdVersion.V2.value]
    )
    train.add_argument("--strength", choices=[s.value for s in Strength])
    train.add_argument("--nsfw", action="store_true")
    train.add_argument(
        "--wait", action="store_true", help="wait for the training to end"
    )
    wait = _command(
        actions,
        "wait",
        _models_wait,
        "wait for trainings to end",
        "leonardo-async models wait ID1 ID2",
        [common, waiting],
    )
    wait.add_argument("model_ids", nargs="+", metavar="MODEL_ID")
    delete = _command(
        actions,
        "delete",
        _models_delete,
        "delete a model",
        "leonardo-async models delete MODEL_ID --yes",
        [common],
    )
    delete.add_argument("model_id")
    delete.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )

    datasets = commands.add_parser("datasets", help="your datasets and their images")
    dataset_actions = datasets.add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create = _command(
        dataset_actions,
        "create",
        _datasets_create,
        "create an empty dataset",
        "leonardo-async datasets create cats --description 'my cat'",
        [common],
    )
    create.add_argument("name")
    create.add_argument("--description")
    show = _command(
        dataset_actions,
        "get",
        _datasets_get,
        "show a dataset and its images",
        "leonardo-async datasets get DATASET_ID",
        [common],
    )
    show.add_argument("dataset_id")
    upload = _command(
        dataset_actions,
        "upload",
        _datasets_upload,
        "upload image files into a dataset",
        "leonardo-async datasets upload DATASET_ID cats/*.png --concurrency 4",
        [common, uploading],
    )
    upload.add_argument("dataset_id")
    upload.add_argument("files", nargs="+", metavar="FILE")
    remove = _command(
        dataset_actions,
        "delete",
        _datasets_delete,
        "delete a dataset",
        "leonardo-async datasets delete DATASET_ID --yes",
        [common],
    )
    remove.add_argument("dataset_id")
    remove.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
    return parser


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("refusing to delete without confirmation: pass --yes")
    what = "model" if args.command == "models" else "dataset"
    target = args.model_id if what == "model" else args.dataset_id
    answer = input(f"Delete {what} {target}? This cannot be undone. [y/N] ")
    return answer.strip().lower() in ("y", "yes")


@contextlib.contextmanager
def _reported(stream: TextIO) -> Iterator[list[int]]:
    code = [EXIT_OK]
    try:
        yield code
    except TrainingFailedError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_TRAINING_FAILED
    except TrainingTimeoutError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_WAIT_TIMEOUT
    except LeonardoError as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_API_ERROR
    except (UsageError, ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=stream)
        code[0] = EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, int]] = args.run
    with _reported(sys.stderr) as code:
        if run in (_models_delete, _datasets_delete) and not _confirmed(args):
            print("not deleted", file=sys.stderr)
            return EXIT_OK
        try:
            code[0] = asyncio.run(run(args))
        except KeyboardInterrupt:
            waiting = args.command == "models" and args.action in ("train", "wait")
            note = "; the training continues on the server" if waiting else ""
            print(f"interrupted{note}", file=sys.stderr)
            code[0] = EXIT_INTERRUPTED
    return code[0]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
