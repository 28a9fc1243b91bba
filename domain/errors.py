"""Typed business errors; the API maps `code` to HTTP in one place (api/errors.py)."""


Reason = str | list[str]


def _said(value: Reason | int | float | None) -> Reason:
    return value if isinstance(value, (str, list)) else "" if value is None else str(value)


class JinduError(Exception):
    """`message` is the API's English reason; `key` names its sentence in the catalogue
    (`refusal.reason.<key>`) and `params` fill it in, codes as codes (roles, stages, gates,
    departments: the page names them in the reader's language, web/reasons.py)."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, key: str = "", **params: Reason | int | float | None):
        super().__init__(message)
        self.message = message
        self.key = key
        self.params: dict[str, Reason] = {n: _said(v) for n, v in params.items()}


class Unauthorized(JinduError):
    code, http_status = "unauthorized", 401


class Forbidden(JinduError):
    code, http_status = "forbidden", 403


class NotFound(JinduError):
    code, http_status = "not_found", 404


class WrongStage(JinduError):
    code, http_status = "wrong_stage", 409


class AlreadyDecided(JinduError):
    code, http_status = "already_decided", 409


class Conflict(JinduError):
    code, http_status = "conflict", 409


class Invalid(JinduError):
    code, http_status = "invalid", 422


class Unavailable(JinduError):
    """PostgreSQL or Temporal cannot be reached; `may_have_applied` tells a client whether
    the action could have taken effect (retry it with the same Idempotency-Key)."""

    code, http_status = "unavailable", 503

    def __init__(self, message: str, key: str = "", *, may_have_applied: bool = False, **params: Reason | int | None):
        super().__init__(message, key, **params)
        self.may_have_applied = may_have_applied


ERRORS_BY_CODE: dict[str, type[JinduError]] = {
    cls.code: cls
    for cls in (Unauthorized, Forbidden, NotFound, WrongStage, AlreadyDecided, Conflict, Invalid, Unavailable)
}
