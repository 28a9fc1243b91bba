"""One settings class, from JINDU_* environment variables (STYLE §6)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.policy import ProjectPolicy


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JINDU_", extra="ignore")

    temporal_address: str = "localhost:7233"
    temporal_namespace: str = "default"
    temporal_tls: bool = False
    temporal_api_key: str | None = None
    # mTLS (e.g. Temporal Cloud with certificates): PEM files; setting the client pair implies TLS.
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_ca: Path | None = None
    temporal_tls_server_name: str | None = None
    task_queue: str = "jindu-projects"
    database_url: str | None = None
    data_dir: Path = Path(".jindu")
    data_key: str | None = None
    attachments_url: str | None = None  # s3://bucket/prefix for attachments (store/files.py); unset: data dir
    attachments_endpoint: str | None = None  # an S3-compatible endpoint (MinIO, OSS, COS …)
    policy_file: Path | None = None
    webhook_url: str | None = None
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    update_timeout_seconds: float = 30.0
    # Workflows a worker keeps in memory; an evicted project is replayed on its next task.
    max_cached_workflows: int = 1000
    # How often the worker looks for projects ended or reset in Temporal (jindu/reconcile.py); 0 turns it off.
    reconcile_seconds: float = Field(default=20.0, ge=0, le=3600)
    log_level: str = "INFO"
    log_json: bool | None = None
    # --- issue 8: web workspace, messages, metrics (docs/workspace.md lists them all)
    public_url: str = "http://127.0.0.1:8000"  # base of sign-in links and links in messages
    signin_link_hours: float = 24.0  # a one-time sign-in link expires after this
    session_hours: float = 12.0  # a web session expires this long after sign-in
    cookie_secure: bool | None = None  # unset: Secure unless public_url is http://127.0.0.1|localhost
    # --- issue 17: signing in like a company tool (docs/workspace.md §Sign-in)
    remember_days: float = 30.0  # "stay signed in on this device": a session's hard end
    signin_request_minutes: float = 15.0  # a link a person asked for themselves expires after this
    signin_limit: int = 5  # sign-in attempts per address (what was typed) and per account in a window
    signin_limit_per_client: int = 30  # attempts per client IP address in a window
    signin_window_minutes: float = 15.0
    # Single sign-on, OpenID Connect (web/oidc.py): a JSON list of providers, each
    # {"name", "label", "client_id", "client_secret", and "issuer" (discovery) or
    # "authorization_endpoint"/"token_endpoint"/"userinfo_endpoint", "scope", "subject_claim"}.
    oidc_providers: list[dict[str, str]] = Field(default_factory=list)
    wecom_webhook_url: str | None = None  # WeCom group robot
    dingtalk_webhook_url: str | None = None  # DingTalk custom robot (with access_token)
    dingtalk_secret: str | None = None  # its signing secret (SEC…)
    feishu_webhook_url: str | None = None  # Feishu/Lark custom bot
    feishu_secret: str | None = None  # its signature secret
    # Personal messages through each platform's app (issue 17), where configured; docs/messages.md.
    dingtalk_app_key: str | None = None  # DingTalk 工作通知: the app's AppKey, AppSecret and AgentId
    dingtalk_app_secret: str | None = None
    dingtalk_agent_id: str | None = None
    dingtalk_api_url: str = "https://oapi.dingtalk.com"
    wecom_corp_id: str | None = None  # WeCom 应用消息: the corp id, the app's Secret and AgentId
    wecom_app_secret: str | None = None
    wecom_agent_id: str | None = None
    wecom_api_url: str = "https://qyapi.weixin.qq.com"
    feishu_app_id: str | None = None  # Feishu bot messages to a user: the app's App ID and App Secret
    feishu_app_secret: str | None = None
    feishu_api_url: str = "https://open.feishu.cn"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "jindu@localhost"
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    metrics_cache_seconds: float = 10.0  # business gauges on /metrics are recomputed at most this often
    # Bearer token Prometheus sends to /metrics (docs/production.md); operations and auditor tokens work too.
    metrics_token: str | None = None
    worker_metrics_address: str | None = None  # host:port where the worker serves Temporal SDK metrics

    def policy(self) -> ProjectPolicy:
        """The company policy: JINDU_POLICY_FILE (JSON of domain.policy.ProjectPolicy) or defaults."""
        if self.policy_file is None:
            return ProjectPolicy()
        try:
            return ProjectPolicy.model_validate(json.loads(self.policy_file.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, ValidationError) as err:
            raise ValueError(f"policy file {self.policy_file}: {err}") from err

    def secure_cookies(self) -> bool:
        """Session cookies are Secure unless the workspace is served over plain http on loopback."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        from urllib.parse import urlsplit

        url = urlsplit(self.public_url)
        return not (url.scheme == "http" and url.hostname in ("127.0.0.1", "localhost", "::1"))

    def data_key_bytes(self) -> bytes:
        """The AES-256-GCM key for customer personal data (JINDU_DATA_KEY)."""
        from store.crypto import decode_data_key

        if not self.data_key:
            raise ValueError("JINDU_DATA_KEY is not set (urlsafe base64 of 32 bytes; `jindu dev` makes one)")
        return decode_data_key(self.data_key)


@lru_cache
def get_settings() -> Settings:
    return Settings()
