"""A real HTTP endpoint on 127.0.0.1 standing in for the platforms' open APIs (DingTalk,
WeCom, Feishu): GET and POST, routed by path to an answer, every request recorded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict | None


@dataclass
class PlatformServer:
    routes: dict[str, Callable[[Call], dict]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)

    async def __aenter__(self) -> PlatformServer:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        host, port = self.server.sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        self.server.close()
        await self.server.wait_closed()

    def paths(self) -> list[str]:
        return [c.path for c in self.calls]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        method, target = head.split(" ", 2)[:2]
        headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in head.split("\r\n")[1:] if ": " in line)}
        length = int(headers.get("content-length", "0"))
        body = json.loads(await reader.readexactly(length)) if length else None
        split = urlsplit(target)
        call = Call(method, split.path, {k: v[0] for k, v in parse_qs(split.query).items()}, headers, body)
        self.calls.append(call)
        route = self.routes.get(split.path)
        answer = json.dumps(route(call) if route else {"errcode": 404, "code": 404}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                     + f"Content-Length: {len(answer)}\r\n\r\n".encode() + answer)
        await writer.drain()
        writer.close()
