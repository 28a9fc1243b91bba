"""Typed business errors; the API maps `code` to HTTP in one place (api/errors.py)."""


class JinduError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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

    def __init__(self, message: str, *, may_have_applied: bool = False):
        super().__init__(message)
        self.may_have_applied = may_have_applied


ERRORS_BY_CODE: dict[str, type[JinduError]] = {
    cls.code: cls
    for cls in (Unauthorized, Forbidden, NotFound, WrongStage, AlreadyDecided, Conflict, Invalid, Unavailable)
}
