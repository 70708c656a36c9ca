"""``leonardo-async elements platform|list|get|train|wait|delete``."""

from __future__ import annotations

import argparse
from typing import Any

from .._client import LeonardoClient
from .._data import Element, ElementBaseModel, JobStatus, LoraFocus
from .._errors import TrainingFailedError
from ._common import (
    Parents,
    at_least_one,
    client,
    command,
    delete_confirmed,
    emit,
    positive,
    progress_stream,
)
from ._console import ELEMENT_HEADERS, Progress, element_rows, table, to_jsonable
from ._datasets import training_dataset, training_images


async def _platform(args: argparse.Namespace) -> int:
    async with client(args) as api:
        elements = await api.elements.list_platform()
    rows = [
        [e.ak_uuid, e.name, e.base_model, e.weight_default, e.description]
        for e in elements
    ]
    headers = ["ak_uuid", "name", "base_model", "weight", "description"]
    emit(args, elements, lambda: table(rows, headers))
    return 0


async def _list(args: argparse.Namespace) -> int:
    async with client(args) as api:
        if args.me:
            elements = await api.elements.list_mine()
        else:
            elements = await api.elements.list_for_user(args.user)
    emit(args, elements, lambda: table(element_rows(elements), ELEMENT_HEADERS))
    return 0


async def _get(args: argparse.Namespace) -> int:
    async with client(args) as api:
        element = await api.elements.get(args.element_id)
    emit(args, element, lambda: table(element_rows([element]), ELEMENT_HEADERS))
    return 0


async def _wait_for(
    api: LeonardoClient, args: argparse.Namespace, ids: list[int]
) -> list[Element]:
    out, live = progress_stream(args)
    with Progress(out, live=live, names=dict.fromkeys(ids, "")) as progress:
        elements = await api.wait_for_elements(
            ids,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=max(args.poll_interval, 60.0),
            on_status=progress.update,
        )
    failed = [e for e in elements if e.status == JobStatus.FAILED]
    if failed:
        emit(args, elements, lambda: table(element_rows(elements), ELEMENT_HEADERS))
        raise TrainingFailedError(failed[0])
    return elements


async def _train(args: argparse.Namespace) -> int:
    files = training_images(args)
    async with client(args) as api:
        dataset_id = await training_dataset(api, args, files)
        job = await api.elements.train(
            name=args.name,
            dataset_id=dataset_id,
            lora_focus=args.focus,
            sd_version=args.sd_version,
            instance_prompt=args.instance_prompt,
            description=args.description,
            num_train_epochs=args.epochs,
            learning_rate=args.learning_rate,
        )
        cost = f" (cost {job.cost})" if job.cost else ""
        if not args.wait:
            emit(
                args,
                {**to_jsonable(job), "dataset_id": dataset_id},
                lambda: f"training started: element {job.element_id}{cost}",
            )
            return 0
        if not args.json:
            print(f"training started: element {job.element_id}{cost}", flush=True)
        (element,) = await _wait_for(api, args, [job.element_id])
    emit(
        args,
        {**to_jsonable(element), "dataset_id": dataset_id},
        lambda: table(element_rows([element]), ELEMENT_HEADERS),
    )
    return 0


async def _wait(args: argparse.Namespace) -> int:
    async with client(args) as api:
        elements = await _wait_for(api, args, list(args.element_ids))
    emit(args, elements, lambda: table(element_rows(elements), ELEMENT_HEADERS))
    return 0


async def _delete(args: argparse.Namespace) -> int:
    async with client(args) as api:
        return await delete_confirmed(
            args, "element", args.element_id, api.elements.get, api.elements.delete
        )


#: The commands whose interruption leaves a training running on the server.
WAITING = (_train, _wait)


def _add_train(actions: Any, parents: Parents) -> None:
    train = command(
        actions,
        "train",
        _train,
        "start an element (LoRA) training (costs money)",
        "leonardo-async elements train --name my-cat --images cats/ "
        "--focus Character --instance-prompt 'a photo of mycat' --wait",
        [parents.common, parents.waiting, parents.uploading],
    )
    train.add_argument("--name", required=True)
    train.add_argument("--dataset-id", help="an existing dataset to train on")
    train.add_argument(
        "--images", help="a folder of images (or one image): make a dataset of them"
    )
    train.add_argument("--focus", required=True, choices=[f.value for f in LoraFocus])
    train.add_argument(
        "--sd-version",
        choices=[b.value for b in ElementBaseModel],
        help="default FLUX_DEV",
    )
    train.add_argument("--instance-prompt")
    train.add_argument("--description")
    train.add_argument("--epochs", type=at_least_one, help="default: the spec's")
    train.add_argument("--learning-rate", type=positive, help="default: the spec's")
    train.add_argument("--wait", action="store_true", help="wait for it to end")


def add_commands(commands: Any, parents: Parents) -> None:
    """Add the ``elements`` group."""
    group = commands.add_parser(
        "elements", help="elements (LoRA): yours and the platform's"
    )
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    command(
        actions,
        "platform",
        _platform,
        "list the platform's elements",
        "leonardo-async elements platform --json",
        [parents.common],
    )
    listing = command(
        actions,
        "list",
        _list,
        "list a user's elements",
        "leonardo-async elements list --me",
        [parents.common],
    )
    owner = listing.add_mutually_exclusive_group(required=True)
    owner.add_argument("--user", help="the user's id")
    owner.add_argument("--me", action="store_true", help="the key's own user")
    get = command(
        actions,
        "get",
        _get,
        "show one element",
        "leonardo-async elements get 1234 --json",
        [parents.common],
    )
    get.add_argument("element_id", type=at_least_one)
    _add_train(actions, parents)
    wait = command(
        actions,
        "wait",
        _wait,
        "wait for element trainings to end",
        "leonardo-async elements wait 1234 1235",
        [parents.common, parents.waiting],
    )
    wait.add_argument("element_ids", nargs="+", type=at_least_one, metavar="ELEMENT_ID")
    delete = command(
        actions,
        "delete",
        _delete,
        "delete an element",
        "leonardo-async elements delete 1234 --yes",
        [parents.common],
    )
    delete.add_argument("element_id", type=at_least_one)
    delete.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
