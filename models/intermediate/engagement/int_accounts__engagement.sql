{#-
  Engagement per account: the events of all its contacts (the contact's account,
  int_identity__contact_accounts) over the last 30 and 90 days before the data's end,
  with the same counts, points, score and trend as int_contacts__engagement, plus how many
  of its contacts engaged. Every account has a row.
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

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

accounts as (
    select distinct account_id
    from account_clusters
),

windowed as (
    select
        events.account_id,
        events.contact_id,
        events.event_type,
        events.occurred_at,
        coalesce(event_types.weight, 0) as points,
        {{ engagement_window_flags('events.occurred_at', 'as_of.as_of_at') }}
    from events
    cross join as_of
    left join event_types
        on events.event_type = event_types.event_type
    where events.occurred_at <= as_of.as_of_at and events.account_id is not null
),

aggregated as (
    select
        account_id,
        cast(count(distinct case when is_last_30d then contact_id end) as integer) as engaged_contacts_30d,
        cast(count(distinct case when is_last_90d then contact_id end) as integer) as engaged_contacts_90d,
        {{ engagement_aggregates() }}
    from windowed
    group by account_id
),

final as (
    select
        accounts.account_id,
        coalesce(aggregated.engaged_contacts_30d, 0) as engaged_contacts_30d,
        coalesce(aggregated.engaged_contacts_90d, 0) as engaged_contacts_90d,
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
    from accounts
    cross join as_of
    left join aggregated
        on accounts.account_id = aggregated.account_id
)

select * from final
