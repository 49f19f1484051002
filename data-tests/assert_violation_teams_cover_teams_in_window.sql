-- rpt_violation_teams holds one row for every team listed in a violation's
-- teams_in_window, no more and no fewer (a team missing from the candidate list, or a
-- team name that is a substring of another, would show here).
with

violations as (
    select * from {{ ref('fct_cadence_violations') }}
),

violation_teams as (
    select * from {{ ref('rpt_violation_teams') }}
),

expected as (
    select
        violation_id,
        case
            when coalesce(teams_in_window, '') = '' then 0
            else length(teams_in_window) - length(replace(teams_in_window, ',', '')) + 1
        end as team_count
    from violations
),

actual as (
    select
        violation_id,
        count(*) as team_count
    from violation_teams
    group by violation_id
),

final as (
    select
        expected.violation_id,
        expected.team_count as expected_team_count,
        coalesce(actual.team_count, 0) as actual_team_count
    from expected
    left join actual
        on expected.violation_id = actual.violation_id
    where expected.team_count <> coalesce(actual.team_count, 0)
)

select * from final
