{#-
  One row per live CRM task with its time to action (created -> completed), the owner's
  team (CRM role, seed crm_role_teams) and the account with its ARR. A task is open while
  it has no completion time; open tasks show their age as of data_end_at (the data's
  end, int_core__data_end, as in fct_ticket_service_levels).
-#}
with

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

data_end as (
    select * from {{ ref('int_core__data_end') }}
),

crm_user_teams as (
    select * from {{ ref('int_crm__user_teams') }}
),

final as (
    select
        tasks.task_id,
        account_clusters.account_id,
        accounts.account_name,
        cast(accounts.current_mrr * 12 as decimal(18, 2)) as account_arr,
        tasks.owner_user_id as teammate_id,
        crm_user_teams.full_name as teammate_name,
        coalesce(crm_user_teams.team, 'unassigned') as team,
        tasks.task_type,
        tasks.task_subtype,
        tasks.status,
        tasks.priority,
        tasks.subject,
        tasks.created_at,
        tasks.completed_at,
        tasks.completed_at is null as is_open,
        ({{ epoch_seconds('tasks.completed_at') }} - {{ epoch_seconds('tasks.created_at') }}) / 3600
            as hours_to_action,
        case
            when tasks.completed_at is null
                then ({{ epoch_seconds('data_end.data_end_at') }} - {{ epoch_seconds('tasks.created_at') }}) / 3600
        end as open_age_hours,
        data_end.data_end_at
    from tasks
    cross join data_end
    left join crm_user_teams
        on tasks.owner_user_id = crm_user_teams.user_id
    left join account_clusters
        on 'salesforce:account:' || tasks.account_id = account_clusters.record_key
    left join accounts
        on account_clusters.account_id = accounts.account_id
    where not tasks.is_deleted and tasks.created_at is not null
)

select * from final
