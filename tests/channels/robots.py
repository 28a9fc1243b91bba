"""A real HTTP endpoint on 127.0.0.1 standing in for the WeCom, DingTalk and Feishu robot
webhooks: it records each request and answers with the next queued JSON answer."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, str]
    body: dict
    at: float = 0.0  # time.monotonic() when the request arrived


class RobotServer:
    def __init__(self, ok: dict | None = None, delay: float = 0.0) -> None:
        self.ok = ok or {"errcode": 0, "errmsg": "ok"}
        self.delay = delay  # seconds before each answer: a slow robot
        self.answers: deque[dict] = deque()
        self.requests: list[Received] = []

    async def __aenter__(self) -> RobotServer:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        host, port = self.server.sockets[0].getsockname()[:2]
        self.base = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    def url(self, path: str) -> str:
        return self.base + path

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        target = head.split(" ", 2)[1]
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)}
        body = json.loads(await reader.readexactly(int(headers["content-length"])))
        split = urlsplit(target)
        self.requests.append(Received(split.path, {k: v[0] for k, v in parse_qs(split.query).items()}, body,
                                      time.monotonic()))
        if self.delay:
            await asyncio.sleep(self.delay)
        answer = json.dumps(self.answers.popleft() if self.answers else self.ok).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                     + f"Content-Length: {len(answer)}\r\n\r\n".encode() + answer)
        await writer.drain()
        writer.close()
