"""Frozen ProjectWorkflow v1: retry policies and the validator helper (workflows/v1/__init__.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

from domain.errors import JinduError
from domain.models import Stage

RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=5), maximum_attempts=20
)
WARNING_STAGES = frozenset({Stage.execution, Stage.rectification, Stage.result_review, Stage.customer_acceptance})


def _reject(err: JinduError) -> None:
    raise ApplicationError(err.message, type=err.code, non_retryable=True)


def _validated(check: Any, *args: Any) -> None:
    try:
        check(*args)
    except JinduError as err:
        _reject(err)
