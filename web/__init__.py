"""The web workspace (issue 8): server-rendered pages in Simplified Chinese (English by
`?lang=en`), served by the API's own FastAPI app at `/`, built as a client of `/v1`."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from jindu.i18n import t
from web.code_names import CodeNames, fresh_names
from web.errors import Problem
from web.render import page
from web.session import CsrfRefused, SignInRequired, page_lang, signin_redirect

STATIC_DIR = Path(__file__).parent / "static"


async def _sign_in_first(request: Request, exc: SignInRequired) -> Response:
    return RedirectResponse(signin_redirect(exc.next_path), status_code=303)


async def _csrf_refused(request: Request, exc: CsrfRefused) -> Response:
    lang = page_lang(request)
    return page(request, "error.html", status=403,
                problem=Problem(403, t("web.errors.csrf", lang), t("web.errors.csrf_reason", lang)))


async def _favicon() -> Response:
    return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})


def _pages(app: FastAPI, router: APIRouter) -> None:
    app.include_router(router, dependencies=[Depends(fresh_names)])


def install_workspace(app: FastAPI) -> None:
    from web.routes import act, admin, appraisal, complaints, dashboard, files, inbox, notifications, projects, signin

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (signin, inbox, complaints, projects, dashboard, appraisal, admin, act, notifications):
        _pages(app, module.router)
    from web.routes import processes as process_pages  # issue 15: 发起审批, instances, templates
    _pages(app, process_pages.router)
    _pages(app, files.router)  # documents and 档案查询
    from web.routes import devices, sso, staffing  # issue 17: 登录设备, single sign-on, 用户管理 staffing

    _pages(app, devices.router)
    _pages(app, sso.router)
    _pages(app, staffing.router)
    from web.routes import customer_book, customer_forms  # issue 14: 客户 (新客户, 整体转交 before /customers/{id})
    from web.routes import customers as customer_pages

    _pages(app, customer_book.router)
    _pages(app, customer_forms.router)
    _pages(app, customer_pages.router)
    from web.routes import deal_figures, project_deals  # issue 14: 成交业绩; a project's deal on its page

    _pages(app, deal_figures.router)
    _pages(app, project_deals.router)
    app.add_api_route("/favicon.ico", _favicon, include_in_schema=False)
    app.add_exception_handler(SignInRequired, _sign_in_first)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.state.code_names = CodeNames()  # departments' and business types' names (issue 17)
