"""A PostgreSQL connection string: checked at start-up, and described in messages without secrets."""

from __future__ import annotations

import re

from src.store.errors import StoreConfigError


def redact_password(text: str) -> str:
    """Replace the password of any `scheme://user:password@` in text with ***."""
    return re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return redact_password(text.splitlines()[0]) if text else type(exc).__name__


def describe_database_url(url: str) -> str:
    """host:port/dbname of a connection string, without credentials, for messages."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:
        return "<unparseable DATABASE_URL>"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def check_database_url(url: str) -> str:
    """`url`, or StoreConfigError with one line (no password) if libpq cannot use it."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception as exc:
        # libpq echoes the URI (password included) in some parse errors: one line, redacted.
        reason = redact_password(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
        raise StoreConfigError(
            f"DATABASE_URL is not a valid PostgreSQL connection string: {reason or type(exc).__name__}"
        ) from None
    port = str(info.get("port") or "5432")
    if not all(p.strip().isdigit() and 0 < int(p) < 65536 for p in port.split(",")):
        raise StoreConfigError(f"DATABASE_URL has an invalid port {port!r} (expected 1-65535)")
    return url
