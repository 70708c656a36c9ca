"""A TCP proxy on loopback that misbehaves at exact points of an HTTP exchange.

It sits between the client and an HTTP/1.1 server (the fake), reads each
request whole, and asks ``plan(method, path, number on this connection)``
what to do with it:

- ``"pass"``: forward it and send the answer back;
- ``"reset_before"``: reset the connection without forwarding;
- ``"reset_after"``: forward it, then reset instead of answering;
- ``"reset_mid_body"``: forward it, send the headers and half the body, reset;
- ``"close_after_headers"``: forward it, send the headers only, then close;
- ``"stall"``: never answer;
- ``"trickle"``: forward it and send the answer a byte at a time, slowly;
- ``"close_kept_alive"``: close the connection, without forwarding, when this
  is not its first request (a server closing an idle connection as a request
  arrives); forward it otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Callable

Plan = Callable[[str, str, int], str]


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """The proxy; ``async with FaultProxy(port, plan) as proxy: proxy.port``."""

    def __init__(self, upstream_port: int, plan: Plan) -> None:
        self.upstream_port = upstream_port
        self.plan = plan
        self.open = 0
        self.max_open = 0
        #: (method, path, mode) of every request it read, in order.
        self.seen: list[tuple[str, str, str]] = []
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def tasks(self) -> set[asyncio.Task[None]]:
        """The proxy's own tasks, one per open connection."""
        return set(self._tasks)

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def __aenter__(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.open += 1
        self.max_open = max(self.max_open, self.open)
        try:
            await self._exchanges(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # cancelled: the proxy is stopping
        finally:
            self.open -= 1
            self._tasks.discard(task)
            writer.transport.abort()

    async def _exchanges(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        number = 0
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request = head + await reader.readexactly(_content_length(head))
            number += 1
            method, path = head.split(b" ", 2)[:2]
            mode = self.plan(method.decode(), path.decode(), number)
            self.seen.append((method.decode(), path.decode(), mode))
            if mode == "close_kept_alive":
                if number > 1:
                    return
                mode = "pass"
            if mode == "reset_before":
                _reset(writer)
                return
            if mode == "stall":
                await asyncio.sleep(3600)
            answer = await self._forward(request)
            if not await self._answer(writer, answer, mode):
                return

    async def _answer(
        self, writer: asyncio.StreamWriter, answer: bytes, mode: str
    ) -> bool:
        """Send (some of) the answer; ``False`` when the connection is done."""
        head_end = answer.index(b"\r\n\r\n") + 4
        if mode == "reset_after":
            _reset(writer)
            return False
        if mode in ("reset_mid_body", "close_after_headers"):
            middle = head_end + (len(answer) - head_end) // 2
            writer.write(answer[: middle if mode == "reset_mid_body" else head_end])
            await writer.drain()
            await asyncio.sleep(0.01)
            _reset(writer) if mode == "reset_mid_body" else writer.close()
            return False
        if mode == "trickle":
            for index in range(len(answer)):
                writer.write(answer[index : index + 1])
                await writer.drain()
                await asyncio.sleep(0.002)
            return True
        writer.write(answer)
        await writer.drain()
        return True

    async def _forward(self, request: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            return head + await reader.readexactly(_content_length(head))
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
