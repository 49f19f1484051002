{#-
  Messages each contact received (the rows of int_core__messages) in the last 7, 30 and
  90 days before the data's end (as_of_at): one column per team (seeds/team_categories.csv) and window, totals over
  every team (including `unassigned`), and the last touch. Every contact has a row.
-#}
-- depends_on: {{ ref('team_categories') }}
{%- set teams = team_names() %}
with

messages as (
    select * from {{ ref('int_core__messages') }}
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

delivered as (
    select
        messages.message_id,
        messages.contact_id,
        messages.team,
        messages.sent_at,
        {%- for days in [7, 30, 90] %}
            messages.sent_at > {{ add_interval('day', -days, 'as_of.as_of_at') }} as is_last_{{ days }}d,
        {%- endfor %}
        row_number() over (
            partition by messages.contact_id
            order by messages.sent_at desc, messages.message_id desc
        ) as recency_rank
    from messages
    cross join as_of
    where messages.sent_at <= as_of.as_of_at
),

aggregated as (
    select
        contact_id,
        {%- for days in [7, 30, 90] %}
            cast(sum(case when is_last_{{ days }}d then 1 else 0 end) as integer) as messages_{{ days }}d_total,
            {%- for team in teams %}
                cast(sum(case when is_last_{{ days }}d and team = '{{ team }}' then 1 else 0 end) as integer)
                    as messages_{{ days }}d_{{ team }},
            {%- endfor %}
        {%- endfor %}
        max(sent_at) as last_touch_at
    from delivered
    group by contact_id
),

last_touch as (
    select
        contact_id,
        team as last_touch_team
    from delivered
    where recency_rank = 1
),

final as (
    select
        contacts.contact_id,
        {%- for days in [7, 30, 90] %}
            coalesce(aggregated.messages_{{ days }}d_total, 0) as messages_{{ days }}d_total,
            {%- for team in teams %}
                coalesce(aggregated.messages_{{ days }}d_{{ team }}, 0) as messages_{{ days }}d_{{ team }},
            {%- endfor %}
        {%- endfor %}
        aggregated.last_touch_at,
        last_touch.last_touch_team
    from contacts
    left join aggregated
        on contacts.contact_id = aggregated.contact_id
    left join last_touch
        on contacts.contact_id = last_touch.contact_id
)

select * from final
