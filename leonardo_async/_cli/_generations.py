"""``leonardo-async generate``, ``generations list|get|delete`` and ``price``."""

from __future__ import annotations

import argparse
import pathlib
import uuid
from typing import Any

from .._client import LeonardoClient
from .._data import (
    ElementBaseModel,
    Generation,
    JobStatus,
    PlatformElementRef,
    PresetStyle,
    UserElement,
)
from .._errors import GenerationFailedError
from ._common import (
    Parents,
    at_least_one,
    client,
    command,
    delete_confirmed,
    emit,
    not_negative,
    progress_stream,
)
from ._console import (
    GENERATION_HEADERS,
    Progress,
    UploadProgress,
    generation_rows,
    table,
    to_jsonable,
)


def element(text: str) -> UserElement | PlatformElementRef:
    """An ``--element`` value: ``ID[:WEIGHT]``, your element's number or a UUID."""
    reference, _, weight_text = text.partition(":")
    weight = 1.0
    if weight_text:
        try:
            weight = float(weight_text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a weight: {weight_text!r} (use ID or ID:WEIGHT)"
            ) from None
    if reference.isdigit() and int(reference) > 0:
        return UserElement(int(reference), weight)
    try:
        uuid.UUID(reference)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an element: {reference!r} (your element's number, or a "
            "platform element's UUID from `elements platform`)"
        ) from None
    return PlatformElementRef(reference, weight)


def _generation_arguments(args: argparse.Namespace) -> dict[str, Any]:
    elements = args.element or []
    return {
        "prompt": args.prompt,
        "model_id": args.model,
        "user_elements": [e for e in elements if isinstance(e, UserElement)],
        "elements": [e for e in elements if isinstance(e, PlatformElementRef)],
        "num_images": args.num_images,
        "width": args.width,
        "height": args.height,
        "negative_prompt": args.negative_prompt,
        "seed": args.seed,
        "preset_style": args.preset_style,
        "alchemy": False if args.no_alchemy else None,
        "num_inference_steps": args.steps,
    }


def _table(generations: list[Generation]) -> str:
    return table(generation_rows(generations), GENERATION_HEADERS)


async def _wait(
    api: LeonardoClient, args: argparse.Namespace, generation_id: str
) -> Generation:
    out, live = progress_stream(args)
    names = {generation_id: args.prompt}
    with Progress(out, live=live, names=names, title="generation") as progress:
        return await api.wait_for_generation(
            generation_id,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            on_status=progress.update,
        )


async def _download(
    api: LeonardoClient, args: argparse.Namespace, generation: Generation
) -> list[pathlib.Path]:
    out, live = progress_stream(args)
    total = len(generation.images)
    with UploadProgress(out, live=live, total=total, verb="download") as progress:
        return await api.generations.download(
            generation, args.out, on_progress=progress.update, overwrite=args.overwrite
        )


async def _generate(args: argparse.Namespace) -> int:
    arguments = _generation_arguments(args)
    async with client(args) as api:
        job = await api.generations.create(**arguments, max_credits=args.max_credits)
        cost = f" (cost {job.cost})" if job.cost else ""
        said = f"generation started: {job.generation_id}{cost}"
        if args.no_wait:
            emit(args, job, lambda: said)
            return 0
        if not args.json:
            print(said, flush=True)
        generation = await _wait(api, args, job.generation_id)
        if generation.status == JobStatus.FAILED:
            raise GenerationFailedError(generation)
        files = [] if args.no_download else await _download(api, args, generation)
    written = "".join(f"\nwrote {path}" for path in files)
    emit(
        args,
        {**to_jsonable(generation), "files": [str(path) for path in files]},
        lambda: _table([generation]) + written,
    )
    return 0


async def _list(args: argparse.Namespace) -> int:
    async with client(args) as api:
        user_id = args.user or (await api.users.me()).id
        generations = await api.generations.list_for_user(
            user_id, offset=args.offset, limit=args.limit
        )
    emit(args, generations, lambda: _table(generations))
    return 0


async def _get(args: argparse.Namespace) -> int:
    async with client(args) as api:
        generation = await api.generations.get(args.id)
    urls = "".join(f"\n{image.url}" for image in generation.images)
    emit(args, generation, lambda: _table([generation]) + urls)
    return 0


async def _delete(args: argparse.Namespace) -> int:
    async with client(args) as api:
        resource = api.generations
        return await delete_confirmed(
            args,
            "generation",
            args.id,
            resource.get,
            resource.delete,
            label=lambda found: found.prompt,
        )


async def _price_training(args: argparse.Namespace) -> int:
    async with client(args) as api:
        credits = await api.pricing.training_cost(
            resolution=args.resolution,
            sd_version=args.sd_version,
            image_count=args.image_count,
        )
    emit(args, {"credits": credits}, lambda: f"{credits} credits")
    return 0


async def _price_generation(args: argparse.Namespace) -> int:
    async with client(args) as api:
        credits = await api.pricing.generation_cost(**_generation_arguments(args))
    emit(args, {"credits": credits}, lambda: f"{credits} credits")
    return 0


#: The commands whose interruption leaves a generation running on the server.
WAITING = (_generate,)


def _add_generation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", metavar="PROMPT")
    parser.add_argument("--model", metavar="ID", help="a model's id (a UUID)")
    parser.add_argument(
        "--element",
        action="append",
        type=element,
        metavar="ID[:WEIGHT]",
        help="an element: your element's number, or a platform element's UUID; "
        "repeatable",
    )
    parser.add_argument("--num-images", type=at_least_one, metavar="N")
    parser.add_argument("--width", type=at_least_one)
    parser.add_argument("--height", type=at_least_one)
    parser.add_argument("--steps", type=at_least_one, help="inference steps, 10-60")
    parser.add_argument("--no-alchemy", action="store_true")
    parser.add_argument("--negative-prompt")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--preset-style", choices=[s.value for s in PresetStyle])


def _add_generate(commands: Any, parents: Parents) -> None:
    generate = command(
        commands,
        "generate",
        _generate,
        "generate images, wait for them and download them (costs money)",
        "leonardo-async generate 'a red fox in the snow' --element 1001:0.8 "
        "--num-images 2 --out images/",
        [parents.common, parents.waiting],
    )
    _add_generation_options(generate)
    generate.add_argument(
        "--max-credits",
        type=not_negative,
        help="ask the price first; do not generate above it",
    )
    generate.add_argument(
        "--out", default=".", help="the folder for the images (default: here)"
    )
    generate.add_argument("--overwrite", action="store_true")
    generate.add_argument("--no-wait", action="store_true", help="start it and exit")
    generate.add_argument("--no-download", action="store_true")
    generate.set_defaults(poll_interval=1.0, wait_timeout=600.0)


def _add_generations(commands: Any, parents: Parents) -> None:
    group = commands.add_parser("generations", help="your generations")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = command(
        actions, "list", _list, "list a user's generations, newest first",
        "leonardo-async generations list --limit 20", [parents.common],
    )  # fmt: skip
    listing.add_argument("--user", help="the user's id (default: the key's own)")
    listing.add_argument("--offset", type=int, default=0)
    listing.add_argument("--limit", type=at_least_one, default=10)
    get = command(
        actions, "get", _get, "show one generation and its image URLs",
        "leonardo-async generations get GENERATION_ID", [parents.common],
    )  # fmt: skip
    get.add_argument("id", metavar="GENERATION_ID")
    delete = command(
        actions, "delete", _delete, "delete a generation and its images",
        "leonardo-async generations delete GENERATION_ID --yes", [parents.common],
    )  # fmt: skip
    delete.add_argument("id", metavar="GENERATION_ID")
    delete.add_argument("--yes", action="store_true", help="do not ask first")


def _add_price(commands: Any, parents: Parents) -> None:
    group = commands.add_parser("price", help="what a job would cost, in credits")
    actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
    training = command(
        actions, "training", _price_training, "the price of a training",
        "leonardo-async price training --resolution 1024 --sd-version FLUX_DEV "
        "--image-count 20", [parents.common],
    )  # fmt: skip
    training.add_argument(
        "--resolution", type=int, required=True, choices=[512, 768, 1024]
    )
    training.add_argument(
        "--sd-version", choices=[ElementBaseModel.FLUX_DEV.value], help="for FLUX_DEV"
    )
    training.add_argument("--image-count", type=at_least_one, metavar="N")
    generation = command(
        actions, "generation", _price_generation, "the price of a generation",
        "leonardo-async price generation 'a red fox' --num-images 4",
        [parents.common],
    )  # fmt: skip
    _add_generation_options(generation)


def add_commands(commands: Any, parents: Parents) -> None:
    """Add ``generate``, the ``generations`` group and the ``price`` group."""
    _add_generate(commands, parents)
    _add_generations(commands, parents)
    _add_price(commands, parents)
