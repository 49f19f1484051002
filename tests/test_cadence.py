"""fct_cadence_violations equals an independent brute-force implementation, message for message."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta


def _brute_force(messages, rules):
    """Plain Python: for every counted message, scan every counted message of its contact."""
    expected = {}
    for rule_id, window_days, max_messages, counted, exempt, channels in rules:
        counted_set = set(counted.split("|"))
        exempt_set = set((exempt or "").split("|"))
        channel_set = None if channels == "*" else set(channels.split("|"))
        by_contact = defaultdict(list)
        for message_id, contact_id, sent_at, category, channel, team in messages:
            if category in counted_set and category not in exempt_set:
                if channel_set is None or channel in channel_set:
                    by_contact[contact_id].append((sent_at, message_id, team))
        window = timedelta(days=window_days)
        for rows in by_contact.values():
            for sent_at, message_id, _ in rows:
                inside = [r for r in rows if sent_at - window <= r[0] <= sent_at]
                if len(inside) > max_messages:
                    inside.sort()
                    expected[(message_id, rule_id)] = (
                        len(inside),
                        ",".join(r[1] for r in inside),
                        ",".join(sorted({r[2] for r in inside})),
                    )
    return expected


def test_cadence_violations_match_brute_force(demo_warehouse):
    messages = demo_warehouse.query(
        "select message_id, contact_id, sent_at, category, channel, team from fct_communications"
    )
    rules = demo_warehouse.query(
        """
        select rule_id, window_days, max_messages, counted_categories, exempt_categories, channels
        from communication_policies
        where is_active and rule_type = 'rolling_cap' and scope = 'contact'
            and window_kind = 'rolling'
        """
    )
    expected = _brute_force(messages, rules)
    actual = {
        (message_id, rule_id): (count, ids, teams)
        for message_id, rule_id, count, ids, teams in demo_warehouse.query(
            """
            select message_id, rule_id, messages_in_window, message_ids_in_window, teams_in_window
            from fct_cadence_violations
            where rule_id in (
                select rule_id from communication_policies
                where rule_type = 'rolling_cap' and scope = 'contact' and window_kind = 'rolling'
            )
            """
        )
    }
    print(f"\ncadence: {len(actual)} violations on the demo data ({len(messages)} messages)")
    assert len(expected) > 100, "the demo data should over-contact people"
    missing = expected.keys() - actual.keys()
    extra = actual.keys() - expected.keys()
    assert not missing, f"{len(missing)} violations missing, e.g. {sorted(missing)[:3]}"
    assert not extra, f"{len(extra)} unexpected violations, e.g. {sorted(extra)[:3]}"
    different = {key for key in expected if expected[key] != actual[key]}
    examples = [(key, expected[key], actual[key]) for key in sorted(different)[:2]]
    assert not different, f"{len(different)} differ, e.g. {examples}"


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
