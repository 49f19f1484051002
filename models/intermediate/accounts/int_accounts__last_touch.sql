{#-
  Last outbound message to anyone at the account, per sending team (int_core__messages),
  up to the data's end: one column per team of seeds/team_categories.csv, plus the last
  touch by any team and which team it was.
-#}
-- depends_on: {{ ref('team_categories') }}
{%- set teams = team_names() %}
with

as_of as (
    select * from {{ ref('int_core__data_end') }}
),

communications as (
    select * from {{ ref('int_core__messages') }}
),

account_messages as (
    select
        communications.account_id,
        communications.team,
        communications.sent_at,
        communications.message_id
    from communications
    cross join as_of
    where communications.account_id is not null and communications.sent_at <= as_of.as_of_at
),

ranked as (
    select
        account_id,
        team,
        row_number() over (
            partition by account_id order by sent_at desc, message_id desc
        ) as touch_rank
    from account_messages
),

per_team as (
    select
        account_id,
        {% for team in teams %}
            max(case when team = '{{ team }}' then sent_at end) as last_touch_{{ team }}_at,
        {% endfor %}
        max(sent_at) as last_touch_at
    from account_messages
    group by account_id
),

final as (
    select
        per_team.*,
        ranked.team as last_touch_team
    from per_team
    inner join ranked
        on per_team.account_id = ranked.account_id and ranked.touch_rank = 1
)

select * from final
