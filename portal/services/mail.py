"""Talking to the SMTP server, only when SMTP settings are given; failures never break a page.

Called by the outbox (``portal.services.outbox``) after the commit, never inside a transaction.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config.get("PORTAL_SMTP_HOST"))


def send_mail(to: str, subject: str, body: str) -> tuple[bool, str]:
    """(sent, the error when not)."""
    config = current_app.config
    host = config.get("PORTAL_SMTP_HOST")
    if not host:
        return False, "no SMTP host"
    message = EmailMessage()
    message["From"] = config["PORTAL_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(host, config["PORTAL_SMTP_PORT"], timeout=10) as smtp:
            if config.get("PORTAL_SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("PORTAL_SMTP_USER"):
                smtp.login(config["PORTAL_SMTP_USER"], config.get("PORTAL_SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.exception("could not send e-mail to %s", to)
        return False, repr(error)
    return True, ""
