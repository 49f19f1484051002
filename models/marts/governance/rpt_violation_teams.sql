{#-
  One row per (cadence violation, team that sent a counted message in its window): the
  comma-separated teams_in_window of fct_cadence_violations as rows, so readers filter and
  group by team without parsing strings. Each row carries the violation's own filter
  columns (rule, severity, contact, account, sent_at) and whether the team is the one
  that sent the violating message. Portable: the candidate teams are the distinct teams
  of fct_communications (every team in a window sent one of its messages), matched with
  the delimited-list test of the list_contains macro.
-#}
with

violations as (
    select * from {{ ref('fct_cadence_violations') }}
),

communications as (
    select * from {{ ref('fct_communications') }}
),

teams as (
    select distinct team
    from communications
    where team is not null
),

final as (
    select
        violations.violation_id,
        teams.team,
        violations.message_id,
        violations.rule_id,
        violations.severity,
        violations.contact_id,
        violations.account_id,
        violations.sent_at,
        coalesce(teams.team = violations.team, false) as is_violating_team
    from violations
    inner join teams
        on {{ list_contains("replace(violations.teams_in_window, ',', '|')", 'teams.team') }}
)

select * from final
