"""The commands every kind of training has: list, get, wait, delete, a train's end.

A kind (custom models, elements) is declared once as a ``Trainings``; the
command groups add their own options and what only they have.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NamedTuple

from .._client import LeonardoClient
from .._data import JobStatus
from .._errors import TrainingFailedError
from ._common import (
    Parents,
    Run,
    UsageError,
    client,
    command,
    delete_confirmed,
    emit,
    progress_stream,
)
from ._console import Progress, table, to_jsonable

#: The statuses a training ends in.
TERMINAL = (JobStatus.COMPLETE, JobStatus.FAILED)


class Trainings(NamedTuple):
    """What the commands of one kind of training need.

    Attributes:
        what: What one is called ("model", "element").
        resource: The client's resource (``list_mine``, ``list_for_user``,
            ``get``, ``delete``).
        wait: The client's batch wait (``wait_for_trainings``, ...).
        rows: The rows of a table of them.
        headers: That table's headers.
    """

    what: str
    resource: Callable[[LeonardoClient], Any]
    wait: Callable[[LeonardoClient], Callable[..., Awaitable[list[Any]]]]
    rows: Callable[[Sequence[Any]], list[list[object]]]
    headers: list[str]


def _table(kind: Trainings, jobs: Sequence[Any]) -> Callable[[], str]:
    return lambda: table(kind.rows(jobs), kind.headers)


async def list_jobs(kind: Trainings, args: argparse.Namespace) -> int:
    """``... list --me`` / ``--user ID``."""
    async with client(args) as api:
        resource = kind.resource(api)
        if args.me:
            jobs = await resource.list_mine()
        else:
            jobs = await resource.list_for_user(args.user)
    emit(args, jobs, _table(kind, jobs))
    return 0


async def get_job(kind: Trainings, args: argparse.Namespace) -> int:
    """``... get ID``."""
    async with client(args) as api:
        job = await kind.resource(api).get(args.id)
    emit(args, job, _table(kind, [job]))
    return 0


async def wait_jobs(
    kind: Trainings, api: LeonardoClient, args: argparse.Namespace, ids: list[Any]
) -> list[Any]:
    """Wait for ``ids``, showing progress (live on a terminal)."""
    out, live = progress_stream(args)
    with Progress(out, live=live, names=dict.fromkeys(ids, "")) as progress:
        return await kind.wait(api)(
            ids,
            timeout=args.wait_timeout,
            poll_interval=args.poll_interval,
            max_poll_interval=max(args.poll_interval, 60.0),
            on_status=progress.update,
        )


def raise_failed(jobs: Sequence[Any]) -> int:
    """Exit code 0, or the first failed training raised (exit code 3)."""
    failed = [job for job in jobs if job.status == JobStatus.FAILED]
    if failed:
        raise TrainingFailedError(failed[0])
    return 0


async def wait_command(kind: Trainings, args: argparse.Namespace) -> int:
    """``... wait ID...`` / ``... wait --pending``."""
    if bool(args.ids) == bool(args.pending):
        raise UsageError(f"give {kind.what} ids or --pending, not both or neither")
    async with client(args) as api:
        ids = list(args.ids)
        if args.pending:  # every unfinished one: what a restarted bot resumes
            mine = await kind.resource(api).list_mine()
            ids = [job.id for job in mine if job.status not in TERMINAL]
            if not ids:
                emit(args, [], lambda: f"no {kind.what} training is pending")
                return 0
        jobs = await wait_jobs(kind, api, args, ids)
    emit(args, jobs, _table(kind, jobs))
    return raise_failed(jobs)


async def finish_train(
    kind: Trainings,
    api: LeonardoClient,
    args: argparse.Namespace,
    started: Any,
    job_id: Any,
    dataset_id: str,
) -> int:
    """Report a started training, or (``--wait``) wait for it and report that.

    One object in ``--json`` either way, with the id of the dataset it used
    (or that ``--images`` made) for a script to clean up.
    """
    cost = f" (cost {started.cost})" if started.cost else ""
    said = f"training started: {kind.what} {job_id}{cost}"
    if not args.wait:
        emit(args, {**to_jsonable(started), "dataset_id": dataset_id}, lambda: said)
        return 0
    if not args.json:
        print(said, flush=True)
    (job,) = await wait_jobs(kind, api, args, [job_id])
    emit(args, {**to_jsonable(job), "dataset_id": dataset_id}, _table(kind, [job]))
    return raise_failed([job])


async def delete_job(kind: Trainings, args: argparse.Namespace) -> int:
    """``... delete ID [--yes]``."""
    async with client(args) as api:
        resource = kind.resource(api)
        return await delete_confirmed(
            args, kind.what, args.id, resource.get, resource.delete
        )


class Handlers(NamedTuple):
    """The shared commands' handlers of one kind, bound to it."""

    list: Run
    get: Run
    wait: Run
    delete: Run


def handlers(kind: Trainings) -> Handlers:
    """The shared commands of ``kind``."""
    return Handlers(
        functools.partial(list_jobs, kind),
        functools.partial(get_job, kind),
        functools.partial(wait_command, kind),
        functools.partial(delete_job, kind),
    )


def add_job_commands(
    actions: Any,
    parents: Parents,
    kind: Trainings,
    bound: Handlers,
    id_type: Callable[[str], Any],
) -> None:
    """Add ``list``, ``get``, ``wait`` and ``delete`` for ``kind``."""
    name, metavar = kind.what, f"{kind.what.upper()}_ID"
    prog = f"leonardo-async {name}s"
    listing = command(
        actions, "list", bound.list, f"list a user's {name}s",
        f"{prog} list --me", [parents.common],
    )  # fmt: skip
    owner = listing.add_mutually_exclusive_group(required=True)
    owner.add_argument("--user", help="the user's id")
    owner.add_argument("--me", action="store_true", help="the key's own user")
    get = command(
        actions, "get", bound.get, f"show one {name}",
        f"{prog} get {metavar} --json", [parents.common],
    )  # fmt: skip
    get.add_argument("id", type=id_type, metavar=metavar)
    wait = command(
        actions, "wait", bound.wait, f"wait for {name} trainings to end",
        f"{prog} wait {metavar} [{metavar} ...]  |  {prog} wait --pending",
        [parents.common, parents.waiting],
    )  # fmt: skip
    wait.add_argument("ids", nargs="*", type=id_type, metavar=metavar)
    wait.add_argument(
        "--pending",
        action="store_true",
        help=f"wait for every unfinished {name} training of yours",
    )
    delete = command(
        actions, "delete", bound.delete, f"delete a {name}",
        f"{prog} delete {metavar} --yes", [parents.common],
    )  # fmt: skip
    delete.add_argument("id", type=id_type, metavar=metavar)
    delete.add_argument(
        "--yes", action="store_true", help="do not ask for confirmation"
    )
