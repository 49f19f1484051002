{#- Per team and rule: messages the team sent, how many broke the rule, and the rate, for
    the leaders' "which team over-contacts most" question. -#}
with

communications as (
    select * from {{ ref('fct_communications') }}
),

violations as (
    select * from {{ ref('fct_cadence_violations') }}
),

sent as (
    select
        team,
        count(*) as messages_sent
    from communications
    group by team
),

broken as (
    select
        team,
        rule_id,
        rule_type,
        severity,
        count(*) as violation_count,
        count(distinct contact_id) as contact_count
    from violations
    group by team, rule_id, rule_type, severity
),

final as (
    select
        broken.team,
        broken.rule_id,
        broken.rule_type,
        broken.severity,
        cast(sent.messages_sent as integer) as messages_sent,
        cast(broken.violation_count as integer) as violation_count,
        cast(broken.contact_count as integer) as contact_count,
        cast(broken.violation_count as double) / nullif(sent.messages_sent, 0) as violation_rate
    from broken
    inner join sent
        on broken.team = sent.team
)

select * from final
