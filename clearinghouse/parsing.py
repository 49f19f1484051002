"""The parsing contract on the Python side: what an email address and a timestamp look like.

SQL staging (macros/parsing.sql: normalise_email, parse_timestamp) and Python (the pre-send
check's input, the raw-export quality checks) read the same patterns, declared once as vars in
dbt_project.yml, so the warehouse and the pre-send check accept the same text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import cache

import yaml

from clearinghouse.paths import PROJECT_ROOT


@cache
def patterns() -> dict[str, str]:
    """The parsing vars of dbt_project.yml (email_pattern, epoch_milliseconds_pattern,
    epoch_seconds_pattern, utc_offset_pattern)."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    return {name: value for name, value in project["vars"].items() if name.endswith("_pattern")}


def _compiled(name: str) -> re.Pattern[str]:
    return re.compile(patterns()[name])


def is_email(text: str) -> bool:
    """As macro regexp_like_email, on trimmed text."""
    return _compiled("email_pattern").fullmatch(text) is not None


def normalise_email(text: str | None) -> str | None:
    """As macro normalise_email: trim, lower-case, drop a +tag, googlemail -> gmail; None
    when the text is not shaped like an address."""
    value = (text or "").strip()
    if not value or not is_email(value):
        return None
    value = re.sub(r"[+][^@]*@", "@", value.lower(), count=1)
    return re.sub(r"@googlemail[.]com$", "@gmail.com", value)


def parse_timestamp(text: str | None) -> datetime | None:
    """As macro parse_timestamp: naive UTC from naive text (UTC), ISO-8601 with Z or an
    offset, epoch seconds or epoch milliseconds; None when unreadable."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        if _compiled("epoch_milliseconds_pattern").fullmatch(value):
            return datetime(1970, 1, 1) + timedelta(milliseconds=int(value))
        if _compiled("epoch_seconds_pattern").fullmatch(value):
            return datetime(1970, 1, 1) + timedelta(seconds=int(value))
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is not None:
        if not _compiled("utc_offset_pattern").search(value):
            return None
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed
