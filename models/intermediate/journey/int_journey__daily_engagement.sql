{#-
  The engagement of every account at the end of every day (one row per row of
  int_accounts__daily_spine): the events of int_engagement__events (the one definition of
  engagement, also behind engagement_score: HubSpot opens and clicks that are not
  filtered, replies, completed CRM meetings and tickets opened, by the account's people),
  counted per day (occurred_at's UTC day) and summed over the dense spine (macro
  journey_spine_deltas).

  - engagement_events_30d: events in the 30 days ending on d.
  - engagement_baseline_90d: events in the 90 days before those (d-119 .. d-30).
  - is_engagement_collapse: a baseline of at least 9 events (3 per 30 days) and the last 30
    days at most a quarter of the baseline's 30-day average.
-#}

with

spine as (
    select * from {{ ref('int_accounts__daily_spine') }}
),

engagement_events as (
    select * from {{ ref('int_engagement__events') }}
),

-- deltas: one row per event on its day
deltas as (
    select
        account_id,
        cast(occurred_at as date) as delta_date,
        'engagement_events' as measure,
        1 as delta
    from engagement_events
    where account_id is not null
),

spine_deltas as (
    {{ journey_spine_deltas('deltas', ['engagement_events']) }}
),

windowed as (
    select
        account_day_key,
        account_id,
        state_date,
        sum(engagement_events) over (
            partition by account_id order by state_date rows between 29 preceding and current row
        ) as engagement_events_30d,
        coalesce(sum(engagement_events) over (
            partition by account_id order by state_date rows between 119 preceding and 30 preceding
        ), 0) as engagement_baseline_90d
    from spine_deltas
),

final as (
    select
        account_day_key,
        account_id,
        state_date,
        cast(engagement_events_30d as integer) as engagement_events_30d,
        cast(engagement_baseline_90d as integer) as engagement_baseline_90d,
        engagement_baseline_90d >= 9
        and engagement_events_30d * 4 <= engagement_baseline_90d / 3.0 as is_engagement_collapse
    from windowed
)

select * from final
