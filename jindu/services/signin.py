"""Signing in by oneself (issue 17): a person types their e-mail, mobile or account name and
gets a single-use, short-lived sign-in link on their own e-mail and, where configured, their
work app. The answer is the same whether or not the address exists; attempts are limited
per client address, per what was typed and per account (store.signin_limits, in PostgreSQL).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import asyncpg
import structlog

from activities.channels.message import Button, Channel, Recipient, RenderedMessage
from activities.channels.router import Router, app_channels
from jindu.i18n import t
from jindu.services.users import signin_url
from store import people
from store.contacts import Contact, contact_by_address
from store.crypto import DataCipher
from store.people import By
from store.sessions import issue_signin_link
from store.signin_limits import Limit, Verdict, already_refused, first_refusal

log = structlog.get_logger()


@dataclass(frozen=True)
class SigninLimits:
    per_address: Limit
    per_client: Limit

    @classmethod
    def of(cls, settings) -> SigninLimits:
        window = int(settings.signin_window_minutes * 60)
        return cls(Limit(settings.signin_limit, window), Limit(settings.signin_limit_per_client, window))


def typed_key(typed: str) -> str:
    """The counter key of what a person typed (hashed: the table names nobody)."""
    return "who:" + hashlib.sha256(typed.strip().lower().encode()).hexdigest()


async def check_attempt(pool: asyncpg.Pool, limits: SigninLimits, client: str, *, typed: str | None = None,
                        user_id: str | None = None) -> Verdict:  # fmt: skip
    """Count one sign-in attempt from `client` (and on what was typed, and the account)."""
    keys = [("addr:" + client, limits.per_client)] if client != "-" else []
    if typed:
        keys.append((typed_key(typed), limits.per_address))
    if user_id:
        keys.append(("user:" + user_id, limits.per_address))
    return await first_refusal(pool, keys)


async def refused_before(pool: asyncpg.Pool, limits: SigninLimits, client: str) -> Verdict:
    """Whether `client` used up its failed sign-ins (token or link), without counting."""
    return await already_refused(pool, [("addr:" + client, limits.per_client)])


async def count_failure(pool: asyncpg.Pool, limits: SigninLimits, client: str) -> None:
    await first_refusal(pool, [("addr:" + client, limits.per_client)])


def personal_channels(settings) -> list[Channel]:
    """E-mail and the platforms' app messages to one person; never a group robot."""
    from activities.channels.smtp import SmtpMail

    found = list(app_channels(settings))
    if settings.smtp_host:
        found.append(SmtpMail(settings.smtp_host, settings.smtp_port, sender=settings.smtp_from,
                              username=settings.smtp_username, password=settings.smtp_password,
                              starttls=settings.smtp_starttls, use_ssl=settings.smtp_ssl))  # fmt: skip
    return found


def link_message(person: Contact, url: str, minutes: int) -> RenderedMessage:
    lang = person.lang
    text = t("signin.mail.text", lang, name=person.name, minutes=minutes)
    button = t("signin.mail.button", lang)
    return RenderedMessage(
        key=f"signin:{url[-12:]}", kind="signin", lang=lang, subject=t("signin.mail.subject", lang),
        markdown=f"{text}\n\n[{button}]({url})", text=text, link=url,
        buttons=[Button(label=button, url=url, style="primary")],
    )


def recipient(person: Contact, channels: list[Channel]) -> Recipient:
    """Their e-mail if on file; their chosen platforms, or every configured app for staff who chose none."""
    chosen = list(person.channels)
    if person.email:
        chosen.append("email")
    if person.role.value != "customer" and not person.channels:
        chosen.extend(str(getattr(c, "platform", "")) for c in channels if hasattr(c, "platform"))
    return Recipient(user_id=person.user_id, name=person.name, role=person.role.value, mobile=person.mobile,
                     email=person.email, channels=chosen, lang=person.lang)  # fmt: skip


async def request_link(pool: asyncpg.Pool, cipher: DataCipher, settings, typed: str) -> RenderedMessage | None:
    """Issue a link for the person `typed` names; the message to send them, or None (nobody
    found, their account asked too often, or nowhere to send it). The caller answers the
    same either way."""
    person = await contact_by_address(pool, typed[:254], cipher)
    if person is None:
        return None
    if not (await check_attempt(pool, SigninLimits.of(settings), "-", user_id=person.user_id)).allowed:
        log.info("signin link not sent: account over its limit", user_id=person.user_id)
        return None
    channels = personal_channels(settings)
    who = recipient(person, channels)
    if not Router(channels).channels_of(who):
        log.info("signin link not sent: no personal channel", user_id=person.user_id)
        return None
    minutes = int(settings.signin_request_minutes)
    code = await issue_signin_link(pool, person.user_id, timedelta(minutes=minutes))
    await people.record_user_event(pool, person.user_id, "signin_link_requested",
                                   By(name=person.name, user_id=person.user_id))
    return link_message(person, signin_url(settings.public_url, code), minutes).to([who])


async def send_link(settings, message: RenderedMessage) -> None:
    """Deliver on every personal channel at once (run after the answer, so its time tells nothing)."""
    try:
        await Router(personal_channels(settings)).send(message)
    except Exception as err:  # noqa: BLE001 - a failed delivery is logged; the person can ask again
        log.warning("signin link delivery failed", error=str(err))
