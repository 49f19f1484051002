{#-
  One row per (account, day) from the account's first activity to the data's end. First
  activity = the earliest of: a source record created (CRM account, Stripe customer, Zendesk
  organization), a subscription start, a ticket, an outbound message. The data's end is the
  day of the latest observed event (int_core__data_end): never the wall clock, so
  rebuilding the same exports gives the same history. History is capped at var
  journey_max_history_days before the end. The spine is dense (no missing day), so
  row-based windows over it are day windows.
  account_day_key: an integer for the row (the account's number in account_id order, times
  the longest history, plus day_number), so the daily models meet on one integer rather
  than on (account_id, state_date). It numbers the rows of one build: never compare it
  across builds.
-#}
{%- set max_days = var('journey_max_history_days', 3650) %}

with

account_records as (
    select * from {{ ref('int_identity__account_records') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

subscriptions as (
    select * from {{ ref('stg_stripe__subscriptions') }}
),

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

communications as (
    select * from {{ ref('int_core__messages') }}
),

data_end as (
    select * from {{ ref('int_core__data_end') }}
),

activity as (
    select
        account_clusters.account_id,
        account_records.created_at as activity_at
    from account_records
    inner join account_clusters
        on account_records.record_key = account_clusters.record_key
    union all
    select
        account_clusters.account_id,
        subscriptions.started_at as activity_at
    from subscriptions
    inner join account_clusters
        on 'stripe:customer:' || subscriptions.customer_id = account_clusters.record_key
    union all
    select
        account_id,
        created_at as activity_at
    from tickets
    where account_id is not null
    union all
    select
        account_id,
        min(sent_at) as activity_at
    from communications
    where account_id is not null
    group by account_id
),

accounts as (
    select
        account_clusters.account_id,
        data_end.data_end_date,
        cast(min(activity.activity_at) as date) as first_activity_date
    from account_clusters
    cross join data_end
    left join activity
        on account_clusters.account_id = activity.account_id
    group by account_clusters.account_id, data_end.data_end_date
),

bounded as (
    select
        account_id,
        row_number() over (order by account_id) as account_number,
        data_end_date,
        case
            when first_activity_date is null or first_activity_date > data_end_date
                then data_end_date
            when first_activity_date
                < cast({{ add_interval('day', -max_days, 'data_end_date') }} as date)
                then cast({{ add_interval('day', -max_days, 'data_end_date') }} as date)
            else first_activity_date
        end as first_activity_date
    from accounts
),

day_numbers as (
    {{ integer_series(max_days + 1) }}
),

final as (
    select
        cast(bounded.account_number * {{ max_days + 1 }} + day_numbers.n as bigint) as account_day_key,
        bounded.account_id,
        cast({{ add_interval('day', 'day_numbers.n', 'bounded.first_activity_date') }} as date)
            as state_date,
        cast(day_numbers.n as integer) as day_number,
        bounded.first_activity_date,
        bounded.data_end_date
    from bounded
    inner join day_numbers
        on day_numbers.n <= {{ dbt.datediff('bounded.first_activity_date', 'bounded.data_end_date', 'day') }}
)

select * from final
