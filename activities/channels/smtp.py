"""E-mail over SMTP (stdlib smtplib and email, run in a thread): one mail per recipient,
plain text with the workspace link, in the recipient's language."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from activities.channels.message import ChannelError, RenderedMessage
from jindu.i18n import t

TIMEOUT = 15.0


class SmtpMail:
    name, group = "email", False

    def __init__(self, host: str, port: int = 25, *, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, use_ssl: bool = False) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.use_ssl = username, password, starttls, use_ssl

    def mails(self, message: RenderedMessage) -> list[EmailMessage]:
        out = []
        for person in message.recipients:
            if not person.email:
                continue
            mail = EmailMessage()
            mail["Subject"] = message.subject
            mail["From"] = self.sender
            mail["To"] = formataddr((person.name, person.email))
            mail["Message-ID"] = make_msgid(domain="jindu")
            mail["X-Jindu-Key"] = message.key
            mail.set_content(f"{message.text}\n\n{t('notify.common.open', message.lang)}: {message.link}\n")
            out.append(mail)
        return out

    def _send_all(self, mails: list[EmailMessage]) -> None:
        context = ssl.create_default_context()
        smtp_class = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        kwargs = {"context": context} if self.use_ssl else {}
        with smtp_class(self.host, self.port, timeout=TIMEOUT, **kwargs) as smtp:
            if self.starttls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            for mail in mails:
                smtp.send_message(mail)

    async def send(self, message: RenderedMessage) -> None:
        mails = self.mails(message)
        if not mails:
            return
        try:
            await asyncio.to_thread(self._send_all, mails)
        except (OSError, smtplib.SMTPException) as err:
            raise ChannelError(self.name, f"{type(err).__name__}: {err}") from err
