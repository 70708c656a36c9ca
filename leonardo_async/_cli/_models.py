"""``leonardo-async platform-models`` and ``models list|get|train|wait|delete``."""

from __future__ import annotations

import argparse
from typing import Any

from .._client import LeonardoClient
from .._data import CustomModel, CustomModelType, JobStatus, SdVersion, Strength
from .._errors import TrainingFailedError
from ._common import (
    Parents,
    client,
    command,
    delete_confirmed,
    emit,
    progress_stream,
)
from ._console import MODEL_HEADERS, Progress, model_rows, table, to_jsonable
from ._datasets import training_dataset, training_images


async def _platform_models(args: argparse.Namespace) -> int:
    async with client(args) as api:
        models = await api.models.list_platform()
    emit(
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
    return 0


async def _list(args: argparse.Namespace) -> int:
    async with client(args) as api:
        if args.me:
            models = await api.models.list_mine()
        else:
            models = await api.models.list_for_user(args.user)
    emit(args, models, lambda: table(model_rows(models), MODEL_HEADERS))
    return 0


async def _get(args: argparse.Namespace) -> int:
    async with client(args) as api:
        model = await api.models.get(args.model_id)
    emit(args, model, lambda: table(model_rows([model]), MODEL_HEADERS))
    return 0


async def _wait_for(
    api: LeonardoClient, args: argparse.Namespace, ids: list[str]
) -> list[CustomModel]:
    out, live = progress_stream(args)
    with Progress(out, live=live, names=dict.fromkeys(ids, "")) as progress:
        return await api.wait_for_trainings(
            ids,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=max(args.poll_interval, 60.0),
            on_status=progress.update,
        )


def _raise_failed(models: list[CustomModel]) -> int:
    failed = [m for m in models if m.status == JobStatus.FAILED]
    if failed:
        raise TrainingFailedError(failed[0])
    return 0


async def _train(args: argparse.Namespace) -> int:
    files = training_images(args)
    async with client(args) as api:
        dataset_id = await training_dataset(api, args, files)
        job = await api.models.train(
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
        cost = f" (cost {job.cost})" if job.cost else ""
        if not args.wait:
            # One object in --json, with or without --wait, with the id of the
            # dataset (which --images made) for a script to clean up.
            emit(
                args,
                {**to_jsonable(job), "dataset_id": dataset_id},
                lambda: f"training started: model {job.custom_model_id}{cost}",
            )
            return 0
        if not args.json:
            print(f"training started: model {job.custom_model_id}{cost}", flush=True)
        (model,) = await _wait_for(api, args, [job.custom_model_id])
    emit(
        args,
        {**to_jsonable(model), "dataset_id": dataset_id},
        lambda: table(model_rows([model]), MODEL_HEADERS),
    )
    return _raise_failed([model])


async def _wait(args: argparse.Namespace) -> int:
    async with client(args) as api:
        models = await _wait_for(api, args, list(args.model_ids))
    emit(args, models, lambda: table(model_rows(models), MODEL_HEADERS))
    return _raise_failed(models)


async def _delete(args: argparse.Namespace) -> int:
    async with client(args) as api:
        return await delete_confirmed(
            args, "model", args.model_id, api.models.get, api.models.delete
        )


#: The commands whose interruption leaves a training running on the server.
WAITING = (_train, _wait)


def _add_train(actions: Any, parents: Parents) -> None:
    train = command(
        actions,
        "train",
        _train,
        "start a training (costs money)",
        "leonardo-async models train --name my-style --images cats/ "
        "--instance-prompt 'a photo of sks' --wait",
        [parents.common, parents.waiting, parents.uploading],
    )
    train.add_argument("--name", required=True)
    train.add_argument("--dataset-id", help="an existing dataset to train on")
    train.add_argument(
        "--images", help="a folder of images (or one image): make a dataset of them"
    )
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


def add_commands(commands: Any, parents: Parents) -> None:
    """Add ``platform-models`` and the ``models`` group."""
    command(
        commands,
        "platform-models",
        _platform_models,
        "list the platform models",
        "leonardo-async platform-models --json",
        [parents.common],
    )
    models = commands.add_parser("models", help="your custom models")
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = command(
        actions,
        "list",
        _list,
        "list a user's models",
        "leonardo-async models list --me",
        [parents.common],
    )
    owner = listing.add_mutually_exclusive_group(required=True)
    owner.add_argument("--user", help="the user's id")
    owner.add_argument("--me", action="store_true", help="the key's own user")
    get = command(
        actions,
        "get",
        _get,
        "show one model",
        "leonardo-async models get MODEL_ID --json",
        [parents.common],
    )
    get.add_argument("model_id")
    _add_train(actions, parents)
    wait = command(
        actions,
        "wait",
        _wait,
        "wait for trainings to end",
        "leonardo-async models wait ID1 ID2",
        [parents.common, parents.waiting],
    )
    wait.add_argument("model_ids", nargs="+", metavar="MODEL_ID")
    delete = command(
        actions,
        "delete",
        _delete,
        "delete a model",
        "leonardo-async models delete MODEL_ID --yes",
        [parents.common],
    )
    delete.add_argument("model_id")
    delete.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
