"""``leonardo-async platform-models`` and ``models list|get|train|wait|delete``."""

from __future__ import annotations

import argparse
from typing import Any

from .._data import CustomModelType, SdVersion, Strength
from ._common import Parents, client, command, emit
from ._console import MODEL_HEADERS, model_rows, table
from ._datasets import add_training_data, training_dataset, training_images
from ._jobs import Trainings, add_job_commands, finish_train, handlers


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
        return await finish_train(
            MODELS, api, args, job, job.custom_model_id, dataset_id
        )


#: Custom-model trainings, for the commands every kind of training has.
MODELS = Trainings(
    "model",
    lambda api: api.models,
    lambda api: api.wait_for_trainings,
    model_rows,
    MODEL_HEADERS,
)
_COMMANDS = handlers(MODELS)
#: The commands whose interruption leaves a training running on the server.
WAITING = (_train, _COMMANDS.wait)


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
    add_training_data(train)
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
    add_job_commands(actions, parents, MODELS, _COMMANDS, str)
    _add_train(actions, parents)
