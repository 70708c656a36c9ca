"""``leonardo-async elements platform|list|get|train|wait|delete``."""

from __future__ import annotations

import argparse
from typing import Any

from .._data import ElementBaseModel, LoraFocus
from ._common import Parents, at_least_one, client, command, emit, positive
from ._console import ELEMENT_HEADERS, element_rows, table
from ._datasets import add_training_data, training_dataset, training_images
from ._jobs import Trainings, add_job_commands, finish_train, handlers


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
        return await finish_train(ELEMENTS, api, args, job, job.element_id, dataset_id)


#: Element trainings, for the commands every kind of training has.
ELEMENTS = Trainings(
    "element",
    lambda api: api.elements,
    lambda api: api.wait_for_elements,
    element_rows,
    ELEMENT_HEADERS,
)
_COMMANDS = handlers(ELEMENTS)
#: The commands whose interruption leaves a training running on the server.
WAITING = (_train, _COMMANDS.wait)


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
    add_training_data(train)
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
    add_job_commands(actions, parents, ELEMENTS, _COMMANDS, at_least_one)
    _add_train(actions, parents)
