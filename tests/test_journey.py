"""Journey stages: scored against the generator's ground truth, and the stage history's shape."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import SMALL_LAYOUTS

# Current stage of each truth company, through its Salesforce account record.
TRUTH_STAGES = """
with truth as (
    select
        company_id,
        nullif(churned_at, '') as churned_at,
        lower(has_past_due_invoice) in ('true', '1', 't') as has_past_due_invoice
    from read_csv(?, all_varchar = true)
),
company_accounts as (
    select distinct records.company_id, map.account_id
    from read_csv(?, all_varchar = true) as records
    inner join map_account_records as map
        on map.source_system = records.source_system
        and map.source_table = records.source_table
        and map.source_record_id = records.source_record_id
    where records.source_system = 'salesforce'
)
select
    case
        when truth.churned_at is not null then 'churned'
        when truth.has_past_due_invoice then 'active_past_due'
        else 'active_other'
    end as truth_group,
    coalesce(current_stage.journey_stage, 'missing') as journey_stage,
    count(*) as companies
from truth
left join company_accounts on truth.company_id = company_accounts.company_id
left join int_accounts__current_stage as current_stage
    on company_accounts.account_id = current_stage.account_id
group by all
order by truth_group, companies desc
"""


@pytest.mark.slow
@SMALL_LAYOUTS
def test_current_stage_against_truth_small(small_layout):
    rows = small_layout.query(
        TRUTH_STAGES,
        [str(small_layout.truth / name) for name in ("account_facts.csv", "accounts.csv")],
    )
    totals: dict[str, int] = {}
    agreeing: dict[str, int] = {}
    expected = {"churned": "churned", "active_past_due": "at_risk"}
    print()
    for truth_group, stage, companies in rows:
        print(f"  truth {truth_group:<16} stage {stage:<11} {companies:>6}")
        totals[truth_group] = totals.get(truth_group, 0) + companies
        if expected.get(truth_group) == stage:
            agreeing[truth_group] = agreeing.get(truth_group, 0) + companies
    distribution = small_layout.query(
        "select journey_stage, count(*) from int_accounts__current_stage group by 1 order by 2 desc"
    )
    print("  accounts by current stage: " + ", ".join(f"{stage} {n}" for stage, n in distribution))
    by_rule = small_layout.query(
        "select stage_rule, count(*) from int_accounts__current_stage group by 1 order by 2 desc"
    )
    print("  accounts by current rule: " + ", ".join(f"{rule} {n}" for rule, n in by_rule))
    for truth_group, stage in expected.items():
        assert totals.get(truth_group, 0) > 0, f"no {truth_group} companies in the truth"
        rate = agreeing.get(truth_group, 0) / totals[truth_group]
        print(f"  {truth_group} -> {stage}: {rate:.4f} of {totals[truth_group]} companies")
        assert rate >= 0.98, f"{truth_group}: only {rate:.4f} are {stage}"


def test_stage_history_is_complete_and_non_overlapping(demo_warehouse):
    """Spells tile each account's days from its first activity to the data's end."""
    problems = demo_warehouse.query(
        """
        with spine as (
            select account_id, min(state_date) as first_date, max(state_date) as last_date,
                   count(*) as day_count, max(data_end_date) as data_end_date
            from int_accounts__daily_spine group by account_id
        ),
        ordered as (
            select *,
                lag(last_day) over spells as previous_last_day,
                lag(exited_at) over spells as previous_exited_at,
                lag(journey_stage) over spells as previous_stage
            from fct_account_stage_history
            window spells as (partition by account_id order by spell_number)
        ),
        per_account as (
            select account_id,
                min(first_day) as first_day, max(last_day) as last_day,
                sum(days_in_stage) as days, count(*) filter (where is_current) as current_spells,
                count(*) filter (where previous_last_day is not null
                    and first_day <> previous_last_day + 1) as gaps_or_overlaps,
                count(*) filter (where previous_exited_at is not null
                    and previous_exited_at <> entered_at) as bad_exits,
                count(*) filter (where previous_stage = journey_stage) as unmerged,
                count(*) filter (where days_in_stage <> last_day - first_day + 1) as bad_lengths,
                count(*) filter (where is_current <> (exited_at is null)) as bad_current_flags,
                max(spell_number) - count(*) as numbering_gaps
            from ordered group by account_id
        )
        select spine.account_id, per_account.*
        from spine
        left join per_account on spine.account_id = per_account.account_id
        where per_account.account_id is null
            or per_account.first_day <> spine.first_date
            or per_account.last_day <> spine.data_end_date
            or spine.last_date <> spine.data_end_date
            or per_account.days <> spine.day_count
            or per_account.current_spells <> 1
            or per_account.gaps_or_overlaps > 0
            or per_account.bad_exits > 0
            or per_account.unmerged > 0
            or per_account.bad_lengths > 0
            or per_account.bad_current_flags > 0
            or per_account.numbering_gaps <> 0
        limit 5
        """
    )
    assert problems == [], problems
    accounts, with_history = demo_warehouse.query(
        """select (select count(distinct account_id) from int_identity__account_clusters),
                  (select count(distinct account_id) from fct_account_stage_history)"""
    )[0]
    assert accounts == with_history > 0
    current = demo_warehouse.query(
        """select count(*) from int_accounts__current_stage as current_stage
           inner join fct_account_stage_history as history
             on current_stage.account_id = history.account_id and history.is_current
             and current_stage.journey_stage = history.journey_stage"""
    )[0][0]
    assert current == accounts


def test_transitions_are_consecutive_spells(demo_warehouse):
    mismatched = demo_warehouse.query(
        """
        with consecutive as (
            select history.account_id, history.spell_number as to_spell_number,
                   previous.journey_stage as from_stage, history.journey_stage as to_stage,
                   history.entered_at as transitioned_at
            from fct_account_stage_history as history
            inner join fct_account_stage_history as previous
                on history.account_id = previous.account_id
                and history.spell_number = previous.spell_number + 1
        ),
        transitions as (
            select account_id, to_spell_number, from_stage, to_stage, transitioned_at
            from fct_account_stage_transitions
        )
        select count(*) from (
            (select * from consecutive except all select * from transitions)
            union all
            (select * from transitions except all select * from consecutive)
        )
        """
    )[0][0]
    assert mismatched == 0
    spells, accounts, transitions = demo_warehouse.query(
        """select (select count(*) from fct_account_stage_history),
                  (select count(distinct account_id) from fct_account_stage_history),
                  (select count(*) from fct_account_stage_transitions)"""
    )[0]
    assert transitions == spells - accounts
    self_loops = demo_warehouse.query(
        "select count(*) from fct_account_stage_transitions where from_stage = to_stage"
    )[0][0]
    assert self_loops == 0


def test_every_day_carries_a_seeded_rule(demo_warehouse):
    unmatched = demo_warehouse.query(
        """select count(*) from int_accounts__daily_stage as daily
           left join journey_stage_rules as rules on daily.stage_rule = rules.rule_id
           where rules.rule_id is null or rules.stage <> daily.journey_stage"""
    )[0][0]
    assert unmatched == 0


def test_daily_billing_looks_back_30_calendar_days(demo_warehouse):
    """int_journey__daily_billing, checked by date: mrr_30_days_earlier is the mrr of the
    same account on the calendar day 30 days before (null when its history starts later),
    and a day the account is not a customer has mrr 0."""
    rows = demo_warehouse.query(
        "select account_id, state_date, is_customer, mrr, mrr_30_days_earlier "
        "from int_journey__daily_billing order by account_id, state_date")
    mrr = {(account, day): value for account, day, _, value, _ in rows}
    compared = 0
    for account, day, is_customer, value, earlier in rows:
        expected = mrr.get((account, day - timedelta(days=30)))
        assert earlier == expected, (account, day, earlier, expected)
        compared += expected is not None
        if not is_customer:
            assert value == 0, (account, day, value)
    assert compared > len(rows) // 2  # most days have a day 30 days before
