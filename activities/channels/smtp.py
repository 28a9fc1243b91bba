"""E-mail over SMTP (stdlib smtplib and email, run in a thread): one mail per recipient, in
their language, with a `Date:` header, a plain-text part and an HTML part whose buttons are the
message's direct actions (the same links, written out, in the text part)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from html import escape

from activities.channels.message import Button, ChannelError, RenderedMessage
from jindu.i18n import t

TIMEOUT = 15.0
COLOURS = {"primary": "#1d4ed8", "danger": "#b91c1c", "default": "#374151"}


def _buttons(message: RenderedMessage) -> list[Button]:
    return message.buttons or [Button(label=t("notify.common.open", message.lang), url=message.link, style="primary")]


def plain(message: RenderedMessage) -> str:
    colon = "：" if message.lang == "zh" else ": "
    lines = [f"{b.label}{colon}{b.url}" for b in _buttons(message)]
    return f"{message.text}\n\n" + "\n".join(lines) + "\n"


def html(message: RenderedMessage) -> str:
    colon = "：" if message.lang == "zh" else ": "
    text = escape(message.text.split("\n", 1)[0])
    rows = "".join(f"<tr><th align=\"left\" style=\"padding:4px 12px 4px 0\">{escape(label)}{colon}</th>"
                   f"<td style=\"padding:4px 0\">{escape(value)}</td></tr>" for label, value in message.facts)
    buttons = " ".join(
        f"<a href=\"{escape(b.url)}\" style=\"display:inline-block;padding:12px 20px;margin:4px 8px 4px 0;"
        f"color:#fff;background:{COLOURS.get(b.style, COLOURS['default'])};border-radius:6px;"
        f"text-decoration:none\">{escape(b.label)}</a>" for b in _buttons(message))  # fmt: skip
    lang = "zh-CN" if message.lang == "zh" else "en"
    return (f"<!doctype html><html lang=\"{lang}\"><body style=\"font-family:sans-serif\">"
            f"<h2>{escape(message.subject)}</h2><p>{text}</p><table>{rows}</table><p>{buttons}</p></body></html>")


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
            mail["Date"] = formatdate(localtime=False, usegmt=True)
            mail["Message-ID"] = make_msgid(domain="jindu")
            mail["X-Jindu-Key"] = message.key
            mail.set_content(plain(message))
            mail.add_alternative(html(message), subtype="html")
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
        except smtplib.SMTPResponseException as err:
            raise ChannelError(self.name, f"{type(err).__name__}: {err}", code=str(err.smtp_code)) from err
        except (OSError, smtplib.SMTPException) as err:
            raise ChannelError(self.name, f"{type(err).__name__}: {err}") from err
