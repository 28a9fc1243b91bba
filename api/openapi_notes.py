"""OpenAPI post-processing (issue 8): every field gets a description with its unit, and
every route documents 400 and 503 `unavailable` with `Retry-After`.

Descriptions are collected here rather than spread over `domain/models.py`, which the
workflow core owns; a description written on a model field always wins over this table.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.field_notes import FIELD_NOTES, SCHEMA_FIELD_NOTES

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
UNAVAILABLE = {
    "description": "PostgreSQL or Temporal is unreachable, or no worker answered in time (`unavailable`). "
                   "Body `{\"error\": {\"code\": \"unavailable\", \"message\": …}}`; the message says whether "
                   "the action may have been applied. Retry after the `Retry-After` seconds.",
    "headers": {"Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": ERROR_REF}},
}
BAD_REQUEST = {
    "description": "Malformed request, e.g. a body that is not JSON or a header out of bounds (`invalid`)",
    "content": {"application/json": {"schema": ERROR_REF}},
}


def describe_fields(schemas: dict[str, Any]) -> list[str]:
    """Fill in missing property descriptions; return `Schema.field` names still without one."""
    missing = []
    for schema_name, schema in schemas.items():
        for field_name, prop in (schema.get("properties") or {}).items():
            if prop.get("description"):
                continue
            note = SCHEMA_FIELD_NOTES.get(f"{schema_name}.{field_name}") or FIELD_NOTES.get(field_name)
            if note:
                prop["description"] = note
            else:
                missing.append(f"{schema_name}.{field_name}")
    return missing


def add_error_responses(paths: dict[str, Any]) -> None:
    for path, operations in paths.items():
        if not path.startswith("/v1/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", BAD_REQUEST)
            responses.setdefault("503", UNAVAILABLE)


def install_openapi_notes(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary,
                                 description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            if "ErrorBody" not in components:
                from api.errors import ErrorBody

                components.update(ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
                                  .get("$defs", {}))
                components["ErrorBody"] = {k: v for k, v in ErrorBody.model_json_schema(
                    ref_template="#/components/schemas/{model}").items() if k != "$defs"}
            describe_fields(components)
            add_error_responses(schema.get("paths", {}))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
