{#-
  The attributes segment predicates may use, one row per (account, day) over each
  account's history (the daily state of int_accounts__daily_state). The same columns
  describe today (the last day, data_end_date) and every past day, so one predicate gives
  both current membership and its history; on the last day mrr and arr are those of
  int_core__accounts (live subscription items) so current membership agrees with it. Daily: is_customer, mrr, arr, tenure_days,
  days_to_renewal, has_past_due_invoice, journey_stage, engagement_events_30d,
  is_engagement_collapse, open_urgent_ticket_count, low_csat_count_30d. As currently known
  (no history in the sources): region, country, industry, owner_team, plan,
  company_size_band.
-#}
with

daily_state as (
    select * from {{ ref('int_accounts__daily_state') }}
),

daily_stage as (
    select * from {{ ref('int_accounts__daily_stage') }}
),

accounts as (
    select * from {{ ref('int_core__accounts') }}
),

final as (
    select
        daily_state.account_id,
        daily_state.state_date,
        daily_state.day_number,
        daily_state.data_end_date,
        daily_state.is_customer,
        -- past days: MRR from invoice periods (the daily state); the last day: the live
        -- subscription items of int_core__accounts, exact, so current membership agrees with it
        case
            when daily_state.state_date = daily_state.data_end_date then accounts.current_mrr
            else daily_state.mrr
        end as mrr,
        case
            when daily_state.state_date = daily_state.data_end_date then accounts.arr
            else daily_state.mrr * 12
        end as arr,
        daily_state.days_since_first_subscription as tenure_days,
        daily_state.days_to_renewal,
        daily_state.has_past_due_invoice,
        daily_stage.journey_stage,
        daily_state.engagement_events_30d,
        daily_state.is_engagement_collapse,
        daily_state.open_urgent_ticket_count,
        daily_state.low_csat_count_30d,
        accounts.region,
        accounts.country,
        accounts.industry,
        accounts.owner_team,
        coalesce(accounts.plan, accounts.last_plan) as plan,
        accounts.company_size_band
    from daily_state
    inner join daily_stage
        on daily_state.account_day_key = daily_stage.account_day_key
    inner join accounts
        on daily_state.account_id = accounts.account_id
)

select * from final
