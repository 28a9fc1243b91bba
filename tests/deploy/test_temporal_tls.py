"""Temporal TLS settings: TLS alone, mTLS client files, a private CA (jindu.temporal.tls_config)."""

from __future__ import annotations

import pytest
from temporalio.service import TLSConfig

from jindu.settings import Settings
from jindu.temporal import tls_config


def test_plain_and_tls_only_settings_pass_a_flag():
    assert tls_config(Settings()) is False
    assert tls_config(Settings(temporal_tls=True)) is True


def test_mtls_files_become_a_tls_config(tmp_path):
    for name in ("tls.crt", "tls.key", "ca.crt"):
        (tmp_path / name).write_bytes(f"-----{name}-----".encode())
    config = tls_config(Settings(temporal_tls_cert=tmp_path / "tls.crt", temporal_tls_key=tmp_path / "tls.key",
                                 temporal_tls_ca=tmp_path / "ca.crt", temporal_tls_server_name="temporal.internal"))
    assert isinstance(config, TLSConfig)
    assert config.client_cert == b"-----tls.crt-----" and config.client_private_key == b"-----tls.key-----"
    assert config.server_root_ca_cert == b"-----ca.crt-----" and config.domain == "temporal.internal"


def test_a_certificate_without_its_key_is_refused(tmp_path):
    (tmp_path / "tls.crt").write_bytes(b"cert")
    with pytest.raises(ValueError, match="go together"):
        tls_config(Settings(temporal_tls_cert=tmp_path / "tls.crt"))


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JINDU_TEMPORAL_TLS_CERT", str(tmp_path / "c"))
    monkeypatch.setenv("JINDU_MAX_CACHED_WORKFLOWS", "250")
    settings = Settings()
    assert settings.temporal_tls_cert == tmp_path / "c" and settings.max_cached_workflows == 250
