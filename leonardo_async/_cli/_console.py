"""What the command line shows: JSON values, aligned tables, live progress.

A live view (rich) is used on a terminal when rich is installed; otherwise
progress is printed as one plain line per change.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO

import attrs

from .._data import CustomModel, Element, Generation


def to_jsonable(value: Any) -> Any:
    """Turn data classes, enums, decimals and datetimes into plain JSON values."""
    if attrs.has(type(value)):
        return {
            k: to_jsonable(v) for k, v in attrs.asdict(value, recurse=False).items()
        }
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return str(value)  # an enum member becomes its value
    return value


#: The narrowest a column is made to fit the terminal.
MIN_COLUMN = 8


def _fit(widths: list[int], width: int) -> list[int]:
    """Narrow the widest columns until the table fits in ``width``."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > width:
        widest = max(range(len(widths)), key=widths.__getitem__)
        if widths[widest] <= MIN_COLUMN:
            break  # as narrow as it gets: let the terminal wrap
        widths[widest] -= 1
    return widths


def _cut(cell: str, width: int) -> str:
    # The middle goes: both ends of an id, a path or a name say the most.
    if len(cell) <= width:
        return cell
    head = (width - 1) // 2
    return cell[:head] + "…" + cell[len(cell) - (width - 1 - head) :]


def table(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str],
    width: int | None = None,
) -> str:
    """Render rows as an aligned plain-text table that fits the terminal.

    Args:
        rows: The cells, row by row.
        headers: The column names.
        width: The width to fit; the terminal's (``COLUMNS``, else 80) when
            omitted. The widest columns are cut in the middle, with "…".
    """
    cells = [[str(h) for h in headers]] + [
        ["" if c is None else str(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    widths = _fit(widths, width or shutil.get_terminal_size().columns)
    lines = [
        "  ".join(
            _cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)
        ).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def model_rows(models: Sequence[CustomModel]) -> list[list[object]]:
    """The rows of a table of custom models."""
    return [
        [
            m.id,
            m.name,
            m.status,
            m.sd_version,
            m.type,
            m.created_at and m.created_at.isoformat(timespec="seconds"),
        ]
        for m in models
    ]


MODEL_HEADERS = ["id", "name", "status", "sd_version", "type", "created_at"]


def element_rows(elements: Sequence[Element]) -> list[list[object]]:
    """The rows of a table of elements."""
    return [
        [
            e.id,
            e.name,
            e.status,
            e.base_model,
            e.focus,
            e.created_at and e.created_at.isoformat(timespec="seconds"),
        ]
        for e in elements
    ]


ELEMENT_HEADERS = ["id", "name", "status", "base_model", "focus", "created_at"]


def generation_rows(generations: Sequence[Generation]) -> list[list[object]]:
    """The rows of a table of generations."""
    return [
        [
            g.id,
            g.status,
            len(g.images),
            f"{g.width}x{g.height}",
            g.created_at and g.created_at.isoformat(timespec="seconds"),
            g.prompt,
        ]
        for g in generations
    ]


GENERATION_HEADERS = ["id", "status", "images", "size", "created_at", "prompt"]


class Progress:
    """Shows the status of trainings: a live table on a terminal, lines otherwise."""

    def __init__(
        self,
        out: TextIO,
        *,
        live: bool,
        names: dict[Any, str],
        title: str = "trainings",
    ) -> None:
        self._out = out
        self._names = names
        self._title = title
        self._status: dict[Any, str] = {}
        self._changed: dict[Any, float] = {}
        self._started = time.monotonic()
        self._live: Any = None
        if live:
            with contextlib.suppress(ImportError):
                from rich.console import Console
                from rich.live import Live

                self._live = Live(
                    self,
                    console=Console(file=out),
                    refresh_per_second=8,
                    transient=False,
                )

    def __enter__(self) -> Progress:
        if self._live is not None:
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.__exit__(None, None, None)

    def __rich__(self) -> Any:
        from rich.table import Table

        view = Table(title=self._title, title_justify="left")
        for column in ("id", "name", "status", "elapsed"):
            view.add_column(column)
        now = time.monotonic()
        for model_id, name in self._names.items():
            status = self._status.get(model_id, "starting")
            style = {"COMPLETE": "green", "FAILED": "red"}.get(status, "yellow")
            done = status in ("COMPLETE", "FAILED")
            elapsed = (self._changed[model_id] if done else now) - self._started
            view.add_row(
                str(model_id)[:8], name, f"[{style}]{status}[/]", f"{elapsed:5.1f}s"
            )
        return view

    def update(self, job: CustomModel | Element | Generation) -> None:
        """Record a job's new status: a model's, an element's, a generation's."""
        status = str(job.status)
        self._status[job.id] = status
        self._changed[job.id] = time.monotonic()
        name = job.prompt if isinstance(job, Generation) else job.name
        if not self._names.get(job.id):  # seeded blank until the name is seen
            self._names[job.id] = name or ""
        if self._live is None:
            elapsed = self._changed[job.id] - self._started
            print(
                f"{elapsed:6.1f}s  {job.id}  {name}  {status}",
                file=self._out,
                flush=True,
            )


class UploadProgress:
    """Shows transfers: a progress bar on a terminal, a line per file otherwise."""

    def __init__(
        self, out: TextIO, *, live: bool, total: int, verb: str = "upload"
    ) -> None:
        self._out = out
        self._total = total
        self._verb = verb
        self._bar: Any = None
        self._task: Any = None
        if live:
            with contextlib.suppress(ImportError):
                from rich.console import Console
                from rich.progress import Progress as Bar

                self._bar = Bar(console=Console(file=out), transient=False)
                self._task = self._bar.add_task(f"{verb}ing", total=total)

    def __enter__(self) -> UploadProgress:
        if self._bar is not None:
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)

    def update(self, done: int, total: int) -> None:
        """Record that ``done`` of ``total`` files have been sent or received."""
        if self._bar is not None:
            self._bar.update(self._task, completed=done)
        else:
            print(f"{self._verb}ed {done}/{total}", file=self._out, flush=True)
