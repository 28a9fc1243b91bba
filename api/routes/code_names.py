"""Departments and business types with their names (issue 17): the codes stay in every other
route; these lists give their Chinese and English names."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from api.deps import CurrentUser, Pool, StaffUser
from api.errors import responses
from jindu.services import code_names as uc
from store.code_names import CodeName, CodeNameIn, ListName

router = APIRouter(prefix="/v1", tags=["names"])
Code = Annotated[str, Path(min_length=1, max_length=100, description="The code the API uses, e.g. sales")]
LISTS: tuple[tuple[str, ListName, str], ...] = (
    ("departments", "department", "department"), ("business-types", "business_type", "business type"),
)  # fmt: skip


def _routes(path: str, list_name: ListName, noun: str) -> None:
    async def get_list(user: StaffUser, pool: Pool) -> list[CodeName]:
        return await uc.listing(pool, list_name)

    async def put_name(code: Code, body: CodeNameIn, user: CurrentUser, pool: Pool, request: Request) -> CodeName:
        named = await uc.name_code(pool, user, list_name, code, body)
        names = getattr(request.app.state, "code_names", None)
        if names is not None:
            names.stale()
        return named

    get_list.__doc__ = f"Every {noun} code with its Chinese and English names (inactive ones too)."
    put_name.__doc__ = (f"Operations name a {noun} code (a new code joins the list); `active: false` leaves it out "
                        "of the workspace's choices while old records keep their name.")  # fmt: skip
    router.add_api_route(f"/{path}", get_list, methods=["GET"], response_model=list[CodeName],
                         summary=f"List {noun}s", responses=responses(401, 403))  # fmt: skip
    router.add_api_route(f"/{path}/{{code}}", put_name, methods=["PUT"], response_model=CodeName,
                         summary=f"Name a {noun}", responses=responses(401, 403, 422))  # fmt: skip


for _path, _list, _noun in LISTS:
    _routes(_path, _list, _noun)
