"""Rolling-cap windows are built from every active rolling rule, whatever its scope: an
account rule whose window length no contact rule uses is still evaluated (issue 11)."""

from __future__ import annotations

from datetime import datetime

import pytest
from policy_harness import build_governance, violations

BASE = {
    "rule_type": "rolling_cap", "description": "cap", "window_kind": "rolling",
    "counted_categories": "promotional|success|sales", "exempt_categories": "support|transactional",
    "channels": "*", "category_priority": "transactional|support|success|sales|promotional",
    "severity": "medium", "is_active": True,
}


def test_account_rule_with_its_own_window_length_is_evaluated(tmp_path):
    policies = [
        {**BASE, "rule_id": "contact_cap", "scope": "contact", "window_days": 7, "max_messages": 2},
        {**BASE, "rule_id": "account_cap_14", "scope": "account", "window_days": 14,
         "max_messages": 2},
    ]
    # three contacts of account A, one message each over 10 days: only the 14-day account
    # window sees all three
    messages = [
        {"message_id": f"a{day}", "contact_id": f"C{day}", "account_id": "A", "team": "sales",
         "category": "sales", "channel": "email", "sent_at": datetime(2025, 1, day, 9)}
        for day in (1, 5, 11)
    ]
    db = build_governance(tmp_path, policies, {"int_core__messages": messages})
    found = violations(db)
    assert set(found) == {("a11", "account_cap_14")}
    row = found[("a11", "account_cap_14")]
    assert row["messages_in_window"] == 3
    assert row["message_ids_in_window"] == "a1,a5,a11"
    assert row["window_start"] == datetime(2024, 12, 28, 9)


def test_rules_that_cannot_be_checked_fail_the_build_naming_them(tmp_path):
    """The registry (seeds/policy_rule_types.csv) decides what a rule may be: an unknown
    type, an unsupported scope or window kind, or a missing required parameter stops the
    build at int_policy__rules with every offending rule named."""
    policies = [
        {**BASE, "rule_id": "fine", "scope": "contact", "window_days": 7, "max_messages": 2},
        {**BASE, "rule_id": "weekly_account", "scope": "account", "window_kind": "calendar_week",
         "window_days": 7, "max_messages": 2},
        {**BASE, "rule_id": "quiet_without_end", "rule_type": "quiet_hours", "scope": "contact",
         "window_kind": None, "quiet_start_hour": 20},
        {**BASE, "rule_id": "mystery", "rule_type": "carrier_pigeon", "scope": "contact"},
        {**BASE, "rule_id": "retired_mystery", "rule_type": "carrier_pigeon", "scope": "contact",
         "is_active": False},
    ]
    with pytest.raises(RuntimeError) as failure:
        build_governance(tmp_path, policies, {})
    message = str(failure.value)
    for expected in ("weekly_account", "calendar_week", "quiet_without_end", "no quiet_end_hour",
                     "mystery: unknown rule_type carrier_pigeon"):
        assert expected in message
    assert "retired_mystery" not in message and "- fine" not in message
