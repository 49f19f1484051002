{#-
  One row per live support ticket with its service levels: first-reply and resolution
  times against the targets of its priority (seed sla_targets, calendar hours), breach
  flags, the team and teammate it sits with, and the account with its ARR.
  - The first-reply clock stops at the first public agent reply, else at solve (a ticket
    solved without a public reply), else it runs to data_end_at; the resolution clock
    stops at solved_at, else runs to data_end_at.
  - Breached when the clock stopped (or still runs at data_end_at) strictly after
    created_at + target. Open tickets past their target are breached as of data_end_at.
  - data_end_at = the data's end (int_core__data_end: the latest timestamp of an event
    seen in the loaded data, the one "as of" of the warehouse), not the wall clock, so
    rebuilds of the same data agree.
  - Teammate = the assignee; a Zendesk agent is matched to their CRM user by email (their
    team is the CRM role's, seed crm_role_teams); unassigned tickets take their group's
    team (the team most of the group's assigned tickets sit with).
-#}
with

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

zendesk_groups as (
    select * from {{ ref('stg_zendesk__groups') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

sla_targets as (
    select * from {{ ref('sla_targets') }}
),

data_end as (
    select * from {{ ref('int_core__data_end') }}
),

crm_user_teams as (
    select
        user_id,
        full_name,
        lower(trim(email)) as email,
        team,
        row_number() over (
            partition by lower(trim(email))
            order by is_active desc, created_at asc, user_id asc
        ) as email_rank
    from {{ ref('int_crm__user_teams') }}
),

agents as (
    select
        zendesk_users.zendesk_user_id,
        coalesce(crm_user_teams.user_id, 'zendesk:' || zendesk_users.zendesk_user_id) as teammate_id,
        coalesce(crm_user_teams.full_name, zendesk_users.full_name) as teammate_name,
        crm_user_teams.team
    from zendesk_users
    left join crm_user_teams
        on zendesk_users.email = crm_user_teams.email and crm_user_teams.email_rank = 1
    where zendesk_users.user_role in ('agent', 'admin')
),

group_team_counts as (
    select
        tickets.group_id,
        agents.team,
        count(*) as ticket_count
    from tickets
    inner join agents
        on tickets.assignee_id = agents.zendesk_user_id
    where agents.team is not null
    group by tickets.group_id, agents.team
),

group_teams as (
    select
        group_id,
        team,
        row_number() over (partition by group_id order by ticket_count desc, team asc) as team_rank
    from group_team_counts
),

targeted as (
    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.contact_id,
        tickets.priority,
        tickets.status,
        tickets.is_open,
        tickets.group_id,
        zendesk_groups.group_name,
        coalesce(agents.team, group_teams.team, 'support') as team,
        tickets.assignee_id,
        agents.teammate_id,
        agents.teammate_name,
        tickets.created_at,
        tickets.first_reply_at,
        tickets.solved_at,
        sla_targets.first_reply_hours as first_reply_target_hours,
        sla_targets.resolution_hours as resolution_target_hours,
        {{ add_interval('second', 'cast(sla_targets.first_reply_hours * 3600 as integer)', 'tickets.created_at') }}
            as first_reply_due_at,
        {{ add_interval('second', 'cast(sla_targets.resolution_hours * 3600 as integer)', 'tickets.created_at') }}
            as resolution_due_at,
        coalesce(tickets.first_reply_at, tickets.solved_at, data_end.data_end_at) as first_reply_clock_stop_at,
        coalesce(tickets.solved_at, data_end.data_end_at) as resolution_clock_stop_at,
        data_end.data_end_at
    from tickets
    cross join data_end
    left join sla_targets
        on tickets.priority = sla_targets.priority
    left join agents
        on tickets.assignee_id = agents.zendesk_user_id
    left join group_teams
        on tickets.group_id = group_teams.group_id and group_teams.team_rank = 1
    left join zendesk_groups
        on tickets.group_id = zendesk_groups.group_id
),

final as (
    select
        targeted.ticket_id,
        targeted.account_id,
        accounts.account_name,
        cast(accounts.current_mrr * 12 as decimal(18, 2)) as account_arr,
        targeted.contact_id,
        targeted.priority,
        targeted.status,
        targeted.is_open,
        targeted.group_id,
        targeted.group_name,
        targeted.team,
        targeted.assignee_id,
        targeted.teammate_id,
        targeted.teammate_name,
        targeted.created_at,
        targeted.first_reply_at,
        targeted.solved_at,
        cast(targeted.first_reply_target_hours as double) as first_reply_target_hours,
        cast(targeted.resolution_target_hours as double) as resolution_target_hours,
        targeted.first_reply_due_at,
        targeted.resolution_due_at,
        ({{ epoch_seconds('targeted.first_reply_at') }} - {{ epoch_seconds('targeted.created_at') }}) / 3600
            as first_reply_hours,
        ({{ epoch_seconds('targeted.solved_at') }} - {{ epoch_seconds('targeted.created_at') }}) / 3600
            as resolution_hours,
        coalesce(targeted.first_reply_clock_stop_at > targeted.first_reply_due_at, false)
            as is_first_reply_breached,
        coalesce(targeted.resolution_clock_stop_at > targeted.resolution_due_at, false)
            as is_resolution_breached,
        targeted.data_end_at
    from targeted
    left join accounts
        on targeted.account_id = accounts.account_id
)

select * from final
