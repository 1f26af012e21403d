"""Mail over SMTP, configured by the environment.

    PHIGATE_SMTP_URL   smtp://user:password@host:port (plain; port 25 by default)
                       smtp+starttls://user:password@host:587 (STARTTLS before signing in)
                       smtps://user:password@host:465 (TLS from the first byte)
    PHIGATE_MAIL_FROM  the sender address (default phigate@ the SMTP host)
    PHIGATE_BASE_URL   where phigate is served, for the links in a mail

A mail carries a reminder's subject, body and link only: ids and dates, never PHI.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from types import TracebackType
from urllib.parse import unquote, urlsplit

from phigate.notifications.reminders import Reminder

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
DEFAULT_BASE_URL = "http://localhost:8000"  # `phigate serve`'s default


class MailConfigError(ValueError):
    """PHIGATE_SMTP_URL cannot be used; the message says why (never the password)."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    username: str | None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    sender: str = ""
    base_url: str = DEFAULT_BASE_URL
    timeout_s: float = 30.0

    def __repr__(self) -> str:  # the password stays out of logs and tracebacks
        return f"MailSettings(host={self.host!r}, port={self.port}, sender={self.sender!r})"

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> MailSettings | None:
        """The settings, or None when PHIGATE_SMTP_URL is not set (reminders are then recorded)."""
        env = os.environ if env is None else env
        url = (env.get("PHIGATE_SMTP_URL") or "").strip()
        if not url:
            return None
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise MailConfigError(
                f"PHIGATE_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not "
                f"{scheme or 'nothing'}://"
            )
        if not parts.hostname:
            raise MailConfigError("PHIGATE_SMTP_URL names no host")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise MailConfigError("PHIGATE_SMTP_URL has a port that is not a number") from None
        base_url = (env.get("PHIGATE_BASE_URL") or DEFAULT_BASE_URL).strip().rstrip("/")
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=scheme == "smtp+starttls",
            implicit_tls=scheme == "smtps",
            sender=(env.get("PHIGATE_MAIL_FROM") or f"phigate@{parts.hostname}").strip(),
            base_url=base_url,
        )


def reminder_message(reminder: Reminder, to_address: str, settings: MailSettings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to_address
    message["Subject"] = f"[phigate] {reminder.subject}"
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    # RFC 3834: an automatic message; vacation responders must not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Phigate-Reminder"] = reminder.kind.value
    message.set_content(
        f"{reminder.body}\n\n"
        f"Open it in phigate: {settings.base_url}{reminder.link_path}\n\n"
        "This reminder is sent by phigate at most once a week while the item is due.\n"
    )
    return message


class SmtpMailer:
    """One SMTP connection for a run's messages, opened at the first message, closed on exit."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpMailer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        self._connection().send_message(message)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except smtplib.SMTPException:
                self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            context = ssl.create_default_context()
            smtp: smtplib.SMTP
            if s.implicit_tls:
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
                if s.starttls:
                    smtp.starttls(context=context)
            if s.username:
                smtp.login(s.username, s.password or "")
            self._smtp = smtp
        return self._smtp
