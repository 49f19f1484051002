{#-
  Open workload per teammate per day (UTC), with the team total. An item (support ticket
  assigned to the teammate, or CRM task owned by them) is open on day d when it was
  created before the end of d and not solved / completed by then:
  created_at < d + 1 day and (closed_at is null or closed_at >= d + 1 day) -- the backlog
  at midnight closing the day. Tickets count for their current assignee (Zendesk keeps no
  assignment history); unassigned tickets count for teammate `unassigned` of their team.
  Days run from the teammate's first item to the day of data_end_at. Counted with
  +1 / -1 events per day and a running sum over a day spine (macro integer_series, no
  recursion), never by expanding each item over its days.
  Swamped: open_items >= var workload_swamped_min_items (default 5) and at least
  var workload_swamped_percentile (default 0.9) of the team's teammate-days carry fewer
  open items (percent_rank over the team's whole history; `unassigned` never swamped).
-#}
{%- set swamped_percentile = var('workload_swamped_percentile', 0.9) | float -%}
{%- set swamped_min_items = var('workload_swamped_min_items', 5) | int -%}

with

ticket_levels as (
    select * from {{ ref('fct_ticket_service_levels') }}
),

task_levels as (
    select * from {{ ref('fct_task_service_levels') }}
),

items as (
    select
        coalesce(teammate_id, 'unassigned') as teammate_id,
        teammate_name,
        team,
        1 as is_ticket,
        created_at as opened_at,
        case when solved_at < created_at then created_at else solved_at end as closed_at
    from ticket_levels

    union all

    select
        coalesce(teammate_id, 'unassigned') as teammate_id,
        teammate_name,
        team,
        0 as is_ticket,
        created_at as opened_at,
        case when completed_at < created_at then created_at else completed_at end as closed_at
    from task_levels
),

bounds as (
    select
        min(cast({{ dbt.date_trunc('day', 'opened_at') }} as date)) as first_day,
        cast({{ dbt.date_trunc('day', 'max(data_end_at)') }} as date) as last_day
    from (
        select
            opened_at,
            cast(null as timestamp) as data_end_at
        from items
        union all
        select
            cast(null as timestamp) as opened_at,
            data_end_at
        from ticket_levels
    ) as times
),

numbers as (
    {{ integer_series(100000) }}
),

days as (
    select cast({{ add_interval('day', 'numbers.n', 'bounds.first_day') }} as date) as workload_date
    from numbers
    cross join bounds
    where numbers.n <= {{ dbt.datediff('bounds.first_day', 'bounds.last_day', 'day') }}
),

events as (
    select
        teammate_id,
        team,
        cast({{ dbt.date_trunc('day', 'opened_at') }} as date) as event_date,
        is_ticket,
        1 as change
    from items

    union all

    select
        teammate_id,
        team,
        cast({{ dbt.date_trunc('day', 'closed_at') }} as date) as event_date,
        is_ticket,
        -1 as change
    from items
    where closed_at is not null
),

daily_changes as (
    select
        teammate_id,
        team,
        event_date,
        sum(case when is_ticket = 1 then change else 0 end) as ticket_change,
        sum(case when is_ticket = 0 then change else 0 end) as task_change,
        sum(case when is_ticket = 1 and change = 1 then 1 else 0 end) as tickets_opened,
        sum(case when is_ticket = 0 and change = 1 then 1 else 0 end) as tasks_opened
    from events
    group by teammate_id, team, event_date
),

teammates as (
    select
        teammate_id,
        team,
        max(teammate_name) as teammate_name,
        min(cast({{ dbt.date_trunc('day', 'opened_at') }} as date)) as first_day
    from items
    group by teammate_id, team
),

spine as (
    select
        days.workload_date,
        teammates.team,
        teammates.teammate_id,
        teammates.teammate_name
    from teammates
    inner join days
        on teammates.first_day <= days.workload_date
),

running as (
    select
        spine.workload_date,
        spine.team,
        spine.teammate_id,
        spine.teammate_name,
        coalesce(daily_changes.tickets_opened, 0) as tickets_opened,
        coalesce(daily_changes.tasks_opened, 0) as tasks_opened,
        sum(coalesce(daily_changes.ticket_change, 0)) over (
            partition by spine.team, spine.teammate_id
            order by spine.workload_date
            rows between unbounded preceding and current row
        ) as open_tickets,
        sum(coalesce(daily_changes.task_change, 0)) over (
            partition by spine.team, spine.teammate_id
            order by spine.workload_date
            rows between unbounded preceding and current row
        ) as open_tasks
    from spine
    left join daily_changes
        on
            spine.teammate_id = daily_changes.teammate_id
            and spine.team = daily_changes.team
            and spine.workload_date = daily_changes.event_date
),

ranked as (
    select
        running.*,
        running.open_tickets + running.open_tasks as open_items,
        case
            when running.teammate_id <> 'unassigned'
                then percent_rank() over (
                        partition by running.team, case when running.teammate_id = 'unassigned' then 1 else 0 end
                        order by running.open_tickets + running.open_tasks
                    )
        end as open_items_percent_rank,
        sum(running.open_tickets + running.open_tasks) over (
            partition by running.workload_date, running.team
        ) as team_open_items
    from running
),

final as (
    select
        workload_date,
        team,
        teammate_id,
        teammate_name,
        cast(open_tickets as integer) as open_tickets,
        cast(open_tasks as integer) as open_tasks,
        cast(open_items as integer) as open_items,
        cast(tickets_opened + tasks_opened as integer) as items_opened,
        cast(team_open_items as integer) as team_open_items,
        open_items_percent_rank,
        coalesce(
            open_items_percent_rank >= {{ swamped_percentile }} and open_items >= {{ swamped_min_items }}, false
        ) as is_swamped
    from ranked
)

select * from final
