"""登录设备: a person's live sessions, each ended on its own or all but this one at once,
and the single sign-on accounts linked to them (issue 17)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from store.identities import subjects_of
from store.sessions import end_all_sessions, end_device, live_sessions
from web.render import page
from web.session import SignedIn, check_csrf

router = APIRouter(include_in_schema=False)

# (what the browser's User-Agent contains, the name people know it by); first match wins.
BROWSERS = (("MicroMessenger", "WeChat"), ("DingTalk", "DingTalk"), ("wxwork", "WeCom"), ("Lark", "Feishu"),
            ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device_label(agent: str) -> str:
    """`Chrome · Windows`, `WeChat · iPhone`: the browser and system, not the raw User-Agent."""
    browser = next((name for mark, name in BROWSERS if mark in agent), "")
    system = next((name for mark, name in SYSTEMS if mark in agent), "")
    return " · ".join(part for part in (browser, system) if part)


@router.get("/account/devices")
async def devices(request: Request, visitor: SignedIn, ended: int | None = None) -> Response:
    pool, settings = request.app.state.pool, request.app.state.settings
    providers = {p.get("issuer", ""): (p.get("name", ""), p.get("label") or p.get("name", ""))
                 for p in settings.oidc_providers}  # fmt: skip
    linked = [(providers.get(issuer, ("", issuer))[1], subject) for issuer, subject in
              await subjects_of(pool, visitor.user.id)]  # fmt: skip
    sessions = await live_sessions(pool, visitor.user.id, visitor.session_id)
    return page(request, "devices.html", visitor, label=device_label, sessions=sessions, ended=ended, linked=linked,
                providers=list(providers.values()))  # fmt: skip


@router.post("/account/devices/end")
async def end_one(request: Request, visitor: SignedIn) -> Response:
    form = await check_csrf(request, visitor)
    done = await end_device(request.app.state.pool, visitor.user.id, str(form.get("ref") or ""))
    return RedirectResponse(f"/account/devices?ended={int(done)}", status_code=303)


@router.post("/account/devices/end-all")
async def end_others(request: Request, visitor: SignedIn) -> Response:
    await check_csrf(request, visitor)
    count = await end_all_sessions(request.app.state.pool, visitor.user.id, by="self", keep=visitor.session_id)
    return RedirectResponse(f"/account/devices?ended={count}", status_code=303)
