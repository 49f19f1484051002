{#-
  The journey funnel by signup cohort: accounts whose first subscription started in a month,
  how many of them reached each customer stage (at any time), and the median and average
  days from signup to first reaching it. Prospects that never subscribed have no cohort.
-#}
with

history as (
    select * from {{ ref('fct_account_stage_history') }}
),

daily_state as (
    select * from {{ ref('int_accounts__daily_state') }}
),

signups as (
    select
        account_id,
        min(first_subscription_date) as signup_date
    from daily_state
    where first_subscription_date is not null
    group by account_id
),

cohorts as (
    select
        account_id,
        signup_date,
        cast({{ dbt.date_trunc('month', 'signup_date') }} as date) as cohort_month
    from signups
),

cohort_sizes as (
    select
        cohort_month,
        cast(cohort_month as {{ dbt.type_string() }}) as cohort_key,
        count(*) as cohort_accounts
    from cohorts
    group by cohort_month
),

stages as (
    select
        'onboarding' as journey_stage,
        1 as stage_order
    union all
    select
        'adopting' as journey_stage,
        2 as stage_order
    union all
    select
        'expanding' as journey_stage,
        3 as stage_order
    union all
    select
        'renewing' as journey_stage,
        4 as stage_order
    union all
    select
        'at_risk' as journey_stage,
        5 as stage_order
    union all
    select
        'churned' as journey_stage,
        6 as stage_order
),

first_days as (
    select
        cohorts.cohort_month,
        cohorts.account_id,
        cohorts.signup_date,
        history.journey_stage,
        min(history.first_day) as first_day
    from cohorts
    inner join history
        on cohorts.account_id = history.account_id
    where history.journey_stage <> 'prospect'
    group by cohorts.cohort_month, cohorts.account_id, cohorts.signup_date, history.journey_stage
),

first_reached as (
    select
        cohort_month,
        account_id,
        journey_stage,
        {{ dbt.datediff('signup_date', 'first_day', 'day') }} as days_to_reach  -- noqa: LT05
    from first_days
),

reached as (
    select
        cohort_month,
        journey_stage,
        count(*) as accounts_reached,
        {{ median_value('days_to_reach') }} as median_days_to_reach,
        avg(days_to_reach) as average_days_to_reach
    from first_reached
    group by cohort_month, journey_stage
),

final as (
    select
        {{ dbt.hash("cohort_sizes.cohort_key || ':' || stages.journey_stage") }} as funnel_row_id,
        cohort_sizes.cohort_month,
        stages.journey_stage,
        cast(stages.stage_order as integer) as stage_order,
        cast(cohort_sizes.cohort_accounts as integer) as cohort_accounts,
        cast(coalesce(reached.accounts_reached, 0) as integer) as accounts_reached,
        cast(round(coalesce(reached.accounts_reached, 0) * 1.0 / cohort_sizes.cohort_accounts, 4) as double)
            as share_reached,
        cast(reached.median_days_to_reach as double) as median_days_to_reach,
        cast(round(reached.average_days_to_reach, 1) as double) as average_days_to_reach
    from cohort_sizes
    cross join stages
    left join reached
        on cohort_sizes.cohort_month = reached.cohort_month and stages.journey_stage = reached.journey_stage
)

select * from final
