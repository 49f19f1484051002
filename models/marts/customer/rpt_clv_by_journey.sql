{#-
  Customer lifetime value by journey: one row per stage path, the account's sequence of
  spells written 'onboarding>adopting>at_risk>adopting' (prospect spells before the first
  subscription are left out; accounts that never subscribed have the path 'prospect').

  - lifetime_revenue: revenue to date estimated from the daily MRR
    (sum over days of mrr x 12 / 365.25), so it covers history before the invoices exported.
  - monthly_churn_rate of a path: the observed hazard of its last stage across all accounts:
    moves from that stage to churned per customer-month spent in it (days / 30.4375).
  - expected_remaining_months = 1 / monthly_churn_rate, capped at var
    journey_max_remaining_months (default 60) and used as is when no churn was observed.
  - projected_value = current MRR x expected remaining months (= current ARR x expected
    remaining years); 0 for churned paths.
-#}
{%- set max_remaining_months = var('journey_max_remaining_months', 60) %}

with

history as (
    select * from {{ ref('fct_account_stage_history') }}
),

transitions as (
    select * from {{ ref('fct_account_stage_transitions') }}
),

daily_stage as (
    select * from {{ ref('int_accounts__daily_stage') }}
),

account_paths as (
    select
        account_id,
        coalesce(
            {{ agg_ordered_string(
                "case when journey_stage <> 'prospect' then journey_stage end", 'spell_number', '>'
            ) }},
            'prospect'
        ) as stage_path,
        max(case when is_current then journey_stage end) as current_stage
    from history
    group by account_id
),

account_revenue as (
    select
        account_id,
        sum(mrr) * 12 / 365.25 as lifetime_revenue,
        avg(case when is_customer then mrr end) as average_mrr,
        sum(case when state_date = data_end_date then mrr else 0 end) as current_mrr
    from daily_stage
    group by account_id
),

stage_exposure as (
    select
        journey_stage,
        sum(days_in_stage) / 30.4375 as stage_months
    from history
    group by journey_stage
),

stage_churns as (
    select
        from_stage,
        count(*) as churn_count
    from transitions
    where to_stage = 'churned'
    group by from_stage
),

stage_hazards as (
    select
        stage_exposure.journey_stage,
        coalesce(stage_churns.churn_count, 0) / nullif(stage_exposure.stage_months, 0) as monthly_churn_rate
    from stage_exposure
    left join stage_churns
        on stage_exposure.journey_stage = stage_churns.from_stage
),

paths as (
    select
        account_paths.stage_path,
        max(account_paths.current_stage) as current_stage,
        count(*) as accounts,
        sum(case when account_paths.current_stage not in ('churned', 'prospect') then 1 else 0 end)
            as active_accounts,
        sum(case when account_paths.current_stage = 'churned' then 1 else 0 end) as churned_accounts,
        sum(account_revenue.lifetime_revenue) as lifetime_revenue,
        avg(account_revenue.average_mrr) as average_mrr,
        sum(account_revenue.current_mrr) as current_mrr
    from account_paths
    inner join account_revenue
        on account_paths.account_id = account_revenue.account_id
    group by account_paths.stage_path
),

projected as (
    select
        paths.*,
        case when paths.current_stage in ('churned', 'prospect') then null else stage_hazards.monthly_churn_rate end
            as monthly_churn_rate,
        case
            when paths.current_stage in ('churned', 'prospect') then 0
            when coalesce(stage_hazards.monthly_churn_rate, 0) * {{ max_remaining_months }} <= 1
                then {{ max_remaining_months }}
            else 1 / stage_hazards.monthly_churn_rate
        end as expected_remaining_months
    from paths
    left join stage_hazards
        on paths.current_stage = stage_hazards.journey_stage
),

final as (
    select
        stage_path,
        {{ list_item_count('stage_path', '>') }} as spell_count,
        current_stage,
        cast(accounts as integer) as accounts,
        cast(active_accounts as integer) as active_accounts,
        cast(churned_accounts as integer) as churned_accounts,
        cast(round(lifetime_revenue, 2) as decimal(18, 2)) as lifetime_revenue,
        cast(round(lifetime_revenue / accounts, 2) as decimal(18, 2)) as lifetime_revenue_per_account,
        cast(round(average_mrr, 2) as decimal(18, 2)) as average_mrr,
        cast(round(current_mrr, 2) as decimal(18, 2)) as current_mrr,
        cast(round(current_mrr * 12, 2) as decimal(18, 2)) as current_arr,
        cast(round(monthly_churn_rate, 6) as double) as monthly_churn_rate,
        cast(round(expected_remaining_months, 1) as double) as expected_remaining_months,
        cast(round(current_mrr * expected_remaining_months, 2) as decimal(18, 2)) as projected_value,
        cast(round((lifetime_revenue + current_mrr * expected_remaining_months) / accounts, 2) as decimal(18, 2))
            as projected_lifetime_value_per_account
    from projected
)

select * from final
