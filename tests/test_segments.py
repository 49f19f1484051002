"""Segments declared as data: current membership and its history."""

from __future__ import annotations

from datetime import timedelta

import pytest

# Independent Python versions of some starter segments, over dim_accounts.
EXPECTED = {
    "arr_tier_enterprise": lambda a: a["is_customer"] and a["arr"] >= 100000,
    "arr_tier_mid_market": lambda a: a["is_customer"] and 20000 <= a["arr"] < 100000,
    "arr_tier_smb": lambda a: a["is_customer"] and a["arr"] < 20000,
    "at_risk": lambda a: a["journey_stage"] == "at_risk",
    "region_emea": lambda a: a["is_customer"] and a["region"] == "EMEA",
    "plan_growth": lambda a: a["is_customer"] and a["plan"] == "growth",
}


@pytest.fixture(scope="module")
def accounts(demo_warehouse):
    columns = ["account_id", "is_customer", "arr", "journey_stage", "region", "plan"]
    rows = demo_warehouse.query(f"select {', '.join(columns)} from dim_accounts")
    return [dict(zip(columns, row, strict=True)) for row in rows]


@pytest.mark.parametrize("segment_id", sorted(EXPECTED))
def test_current_membership_matches_an_independent_predicate(demo_warehouse, accounts,
                                                             segment_id):
    members = {row[0] for row in demo_warehouse.query(
        "select account_id from fct_segment_membership where segment_id = ?", [segment_id])}
    expected = {a["account_id"] for a in accounts if EXPECTED[segment_id](a)}
    assert expected, f"{segment_id} should have members on the demo data"
    assert members == expected


def test_every_active_segment_is_built_and_counts_print(demo_warehouse):
    counts = dict(demo_warehouse.query(
        """
        select definitions.segment_id, count(membership.account_id)
        from segment_definitions as definitions
        left join fct_segment_membership as membership
            on definitions.segment_id = membership.segment_id
        where definitions.is_active
        group by definitions.segment_id
        """))
    print("\nsegment members:", counts)
    empty = [segment for segment, count in counts.items() if count == 0]
    assert not empty, f"segments without members on the demo data: {empty}"


def test_history_spells_do_not_overlap_and_current_spell_is_membership(demo_warehouse):
    overlaps = demo_warehouse.query(
        """
        select count(*) from (
            select
                segment_id, account_id, entered_date, exited_date,
                lead(entered_date) over (
                    partition by segment_id, account_id order by entered_date
                ) as next_entered
            from fct_segment_membership_history
        )
        where next_entered is not null and (exited_date is null or next_entered <= exited_date)
        """)[0][0]
    assert overlaps == 0
    current_spells = set(demo_warehouse.query(
        "select segment_id, account_id, entered_date from fct_segment_membership_history "
        "where is_current"))
    members = set(demo_warehouse.query(
        "select segment_id, account_id, entered_date from fct_segment_membership"))
    assert current_spells == members


def test_history_spells_equal_runs_of_member_days(demo_warehouse):
    """Every spell of the history is a maximal run of consecutive days on which the seed's
    predicate held, recomputed here from the daily attributes one day at a time (Python
    runs over each segment's member days, not the model's window pass)."""
    definitions = demo_warehouse.query(
        "select segment_id, predicate from segment_definitions where cast(is_active as boolean)")
    assert definitions
    expected = set()
    for segment_id, predicate in definitions:
        member_days = demo_warehouse.query(
            f"""select account_id, day_number, state_date, data_end_date
            from int_segments__account_daily_attributes
            where coalesce(({predicate}), false)
            order by account_id, day_number""")
        run = None
        for account_id, day_number, state_date, data_end_date in [*member_days, (None,) * 4]:
            if run and (account_id != run[0] or day_number != run[1] + run[3]):
                last_date = run[2] + timedelta(days=run[3] - 1)
                expected.add((segment_id, run[0], run[2], run[3],
                              None if last_date == run[4] else last_date + timedelta(days=1)))
                run = None
            if account_id is None:
                break
            if run:
                run[3] += 1
            else:
                run = [account_id, day_number, state_date, 1, data_end_date]
    spells = set(demo_warehouse.query(
        """select segment_id, account_id, entered_date, days_in_segment, exited_date
        from fct_segment_membership_history"""))
    assert len(expected) > 100
    assert spells == expected
    current = demo_warehouse.query(
        "select count(*) from fct_segment_membership_history "
        "where is_current <> (exited_date is null)")[0][0]
    assert current == 0
