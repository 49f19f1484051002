{#-
  Engagement per contact over the last 30 and 90 days before the data's end (as_of_at):
  counts per event type, points, engagement_score and trend (macros/engagement.sql).
  Every contact has a row (zeros and trend 'inactive' when nothing happened).
-#}
with

events as (
    select * from {{ ref('int_engagement__events') }}
),

event_types as (
    select * from {{ ref('engagement_event_types') }}
),

as_of as (
    select * from {{ ref('int_core__data_end') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

contacts as (
    select distinct contact_id
    from contact_clusters
),

windowed as (
    select
        events.contact_id,
        events.event_type,
        events.occurred_at,
        coalesce(event_types.weight, 0) as points,
        {{ engagement_window_flags('events.occurred_at', 'as_of.as_of_at') }}
    from events
    cross join as_of
    left join event_types
        on events.event_type = event_types.event_type
    where events.occurred_at <= as_of.as_of_at
),

aggregated as (
    select
        contact_id,
        {{ engagement_aggregates() }}
    from windowed
    group by contact_id
),

final as (
    select
        contacts.contact_id,
        {%- for event_type, prefix in engagement_event_kinds() %}
            {%- for days in [30, 90] %}
                coalesce(aggregated.{{ prefix }}_{{ days }}d, 0) as {{ prefix }}_{{ days }}d,
            {%- endfor %}
        {%- endfor %}
        coalesce(aggregated.points_30d, 0) as points_30d,
        coalesce(aggregated.points_previous_30d, 0) as points_previous_30d,
        coalesce(aggregated.engagement_score, 0) as engagement_score,
        {{ engagement_trend('coalesce(aggregated.points_30d, 0)', 'coalesce(aggregated.points_previous_30d, 0)') }}
            as engagement_trend,
        aggregated.last_engaged_at,
        as_of.as_of_at
    from contacts
    cross join as_of
    left join aggregated
        on contacts.contact_id = aggregated.contact_id
)

select * from final
