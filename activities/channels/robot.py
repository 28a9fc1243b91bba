"""What the chat robots share: one JSON POST, and a 200 answer that may still be a failure."""

from __future__ import annotations

from typing import Any

import httpx

from activities.channels.message import ChannelError

TIMEOUT = 10.0


async def post_json(channel: str, url: str, body: dict[str, Any] | None, client: httpx.AsyncClient | None,
                    code_field: str = "errcode", *, headers: dict[str, str] | None = None,
                    method: str = "POST") -> dict[str, Any]:  # fmt: skip
    """POST `body` (or GET without one); raise ChannelError unless the answer is HTTP 2xx with
    `code_field` 0."""
    kwargs: dict[str, Any] = {"headers": headers} | ({"json": body} if body is not None else {})
    try:
        if client is not None:
            response = await client.request(method, url, **kwargs)
        else:
            async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=False) as own:
                response = await own.request(method, url, **kwargs)
    except httpx.HTTPError as err:
        raise ChannelError(channel, f"request failed: {type(err).__name__}") from err
    if response.status_code // 100 != 2:
        raise ChannelError(channel, f"HTTP {response.status_code}", code=f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError as err:
        raise ChannelError(channel, "answer is not JSON") from err
    code = answer.get(code_field) if isinstance(answer, dict) else None
    if code not in (0, "0"):
        reason = answer.get("errmsg") or answer.get("msg") if isinstance(answer, dict) else ""
        raise ChannelError(channel, f"{code_field} {code}: {reason}", code=str(code))
    return answer


def clip_utf8(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut on a character boundary."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[: limit - 3].decode("utf-8", "ignore") + "…"
