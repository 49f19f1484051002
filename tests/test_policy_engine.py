"""The Python evaluator (clearinghouse.policy) on its own: semantics that must match the SQL
models exactly (quiet hours on every hour of the day)."""

from __future__ import annotations

from datetime import datetime

import pytest

from clearinghouse.policy import Context, Ledger, Message, Rule


def _quiet_rule(start: int, end: int) -> Rule:
    return Rule.from_row({
        "rule_id": "quiet", "rule_type": "quiet_hours", "scope": "contact",
        "description": "quiet", "severity": "low", "counted_categories": "sales",
        "exempt_categories": "", "channels": "*",
        "quiet_start_hour": start, "quiet_end_hour": end,
    })


def _sql_quiet(start: int, end: int, hour: int) -> bool:
    """int_policy__quiet_hours: start > end wraps midnight, start < end is [start, end),
    start == end is no quiet period."""
    if start > end:
        return hour >= start or hour < end
    return start <= hour < end


@pytest.mark.parametrize(("start", "end", "quiet_count"), [
    (20, 8, 12), (12, 14, 2), (9, 9, 0), (0, 23, 23), (23, 0, 1), (0, 0, 0), (1, 0, 23),
])
def test_quiet_hours_match_sql_on_every_hour(start, end, quiet_count):
    rule = _quiet_rule(start, end)
    ledger = Ledger([rule], Context(contacts={"c": ("UTC", None, False)}))
    flagged = []
    for hour in range(24):
        message = Message(f"m{hour}", "c", None, "sales", "sales", "email",
                          datetime(2025, 3, 3, hour, 30))
        if ledger.evaluate(message):
            flagged.append(hour)
    assert flagged == [hour for hour in range(24) if _sql_quiet(start, end, hour)]
    assert len(flagged) == quiet_count
