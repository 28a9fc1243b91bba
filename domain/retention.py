"""How long operational rows are kept (issue 16: ten years stay fast). The audit trail —
`events`, the facts recorded from it and the archive — is never pruned; what goes is what
only served to deliver or to answer a retry: sent notifications' outbox rows, keys of
answered actions, ended web sessions and used or expired sign-in links, and files uploaded
for a process form that were never sent with one (issue 15)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RetentionPolicy(BaseModel):
    outbox_sent_days: int = Field(default=30, ge=1, description="Keep delivered outbox rows (and their deliveries) "
                                                                "this many days after they were sent")
    outbox_failed_days: int = Field(default=180, ge=1, description="Keep outbox rows given up on this long")
    idempotency_days: int = Field(default=7, ge=1, description="Answer retried actions from their key this long")
    sessions_days: int = Field(default=30, ge=1, description="Keep ended or expired web sessions and sign-in "
                                                             "links this long")  # fmt: skip
    notification_failures_days: int = Field(default=90, ge=1, description="Keep failed sends (counted on /metrics) "
                                                                          "this long")  # fmt: skip
    unsent_uploads_days: int = Field(default=7, ge=1, description="Keep a file uploaded for a process form but "
                                     "never sent with a process (or a project) this long; its bytes go too "
                                     "unless another attachment holds the same content")  # fmt: skip
    every_minutes: int = Field(default=60, ge=1, description="How often the worker prunes")
    batch: int = Field(default=5000, ge=100, le=100_000, description="Rows deleted per statement (short transactions)")
