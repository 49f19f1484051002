{#- CRM users (our staff) with their role and team (seed crm_role_teams); a role missing
    from the seed gives team 'unassigned'. -#}
with

crm_users as (
    select * from {{ ref('stg_salesforce__users') }}
),

crm_roles as (
    select * from {{ ref('stg_salesforce__user_roles') }}
),

role_teams as (
    select * from {{ ref('crm_role_teams') }}
),

final as (
    select
        crm_users.user_id,
        crm_users.full_name,
        crm_users.email,
        crm_roles.role_name,
        coalesce(role_teams.team, 'unassigned') as team,
        crm_users.is_active,
        crm_users.created_at
    from crm_users
    left join crm_roles
        on crm_users.user_role_id = crm_roles.user_role_id
    left join role_teams
        on crm_roles.role_name = role_teams.role_name
)

select * from final
