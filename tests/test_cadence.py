"""fct_cadence_violations: rolling-cap windows are consistent with their rules. (The
brute-force comparison of contact caps lives in test_policy_caps.py, with the other window
oracles; the edge cases in tests/policy_cases.yml.)"""

from __future__ import annotations


def test_violation_windows_are_consistent(demo_warehouse):
    bad = demo_warehouse.query(
        """
        select count(*)
        from fct_cadence_violations as v
        inner join communication_policies as p on v.rule_id = p.rule_id
        where p.rule_type = 'rolling_cap' and p.window_kind = 'rolling' and (
           v.window_end <> v.sent_at
           or v.window_start <> v.sent_at - to_days(p.window_days)
           or v.team_count_in_window < 1
           or v.messages_in_window <= v.max_messages)
        """
    )[0][0]
    assert bad == 0
