{#-
  One row per live support ticket, placed on a contact and an account: the account of the
  ticket's organization, else the requester's account. Zendesk's ticket table has no
  solve time, so a solved or closed ticket counts as solved at its last update (updated_at).
  First reply = the first public comment by an agent or admin.
-#}
with

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

ticket_comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

contact_accounts as (
    select * from {{ ref('int_identity__contact_accounts') }}
),

agent_replies as (
    select
        ticket_comments.ticket_id,
        min(ticket_comments.created_at) as first_reply_at,
        count(*) as agent_reply_count
    from ticket_comments
    inner join zendesk_users
        on ticket_comments.author_user_id = zendesk_users.zendesk_user_id
    where
        ticket_comments.is_public
        and not ticket_comments.is_deleted
        and zendesk_users.user_role in ('agent', 'admin')
    group by ticket_comments.ticket_id
),

final as (
    select
        tickets.ticket_id,
        requester.contact_id,
        coalesce(organization.account_id, contact_accounts.account_id) as account_id,
        tickets.assignee_id,
        tickets.group_id,
        tickets.subject,
        tickets.ticket_type,
        tickets.priority,
        tickets.status,
        tickets.via_channel,
        tickets.satisfaction_score,
        tickets.created_at,
        case when tickets.status in ('solved', 'closed') then tickets.updated_at end as solved_at,
        tickets.status not in ('solved', 'closed') as is_open,
        agent_replies.first_reply_at,
        coalesce(agent_replies.agent_reply_count, 0) as agent_reply_count,
        -- when the CSAT score was given: Zendesk rates at solve time
        case when tickets.satisfaction_score is not null then tickets.updated_at end as rated_at
    from tickets
    left join contact_clusters as requester
        on 'zendesk:user:' || tickets.requester_id = requester.record_key
    left join account_clusters as organization
        on 'zendesk:organization:' || tickets.organization_id = organization.record_key
    left join contact_accounts
        on requester.contact_id = contact_accounts.contact_id
    left join agent_replies
        on tickets.ticket_id = agent_replies.ticket_id
    where not tickets.is_deleted and tickets.created_at is not null
)

select * from final
