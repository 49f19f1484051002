{#-
  One row per engagement event by a contact (something the person did), from every system:
  - open / click: HubSpot OPEN and CLICK events (not filtered), placed on the recipient of
    the SENT event they belong to (sent_by_id), else on the event's own recipient, resolved
    by normalised email (int_identity__contact_emails, unambiguous emails only);
  - reply: a public Zendesk comment by an end-user (not an agent or admin) that is not the
    ticket's first comment (the first one opens the ticket), and completed CRM tasks
    logged as inbound calls (call_type Inbound);
  - meeting: completed CRM tasks of type Meeting, placed on the task's contact (who_id);
  - ticket_opened: live Zendesk tickets, on the requester (int_support__tickets).
  Events whose person cannot be resolved, or without a time, are left out.
-#}
with

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

ticket_comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

contact_emails as (
    select * from {{ ref('int_identity__contact_emails') }}
),

contact_accounts as (
    select * from {{ ref('int_identity__contact_accounts') }}
),

sent_events as (
    select
        email_event_id,
        recipient_email,
        email_campaign_id
    from email_events
    where event_type = 'SENT'
),

email_engagement as (
    select
        'hubspot:email_event:' || email_events.email_event_id as engagement_event_id,
        lower(email_events.event_type) as event_type,
        'hubspot' as source_system,
        'email_event' as source_table,
        email_events.email_event_id as source_record_id,
        coalesce(sent_events.recipient_email, email_events.recipient_email) as recipient_email,
        cast(null as {{ dbt.type_string() }}) as recipient_record_key,
        cast(null as {{ dbt.type_string() }}) as known_contact_id,
        email_events.occurred_at,
        'hubspot:' || email_events.sent_by_event_id as related_message_id,
        coalesce(email_events.email_campaign_id, sent_events.email_campaign_id) as campaign_id
    from email_events
    left join sent_events
        on email_events.sent_by_event_id = sent_events.email_event_id
    where
        email_events.event_type in ('OPEN', 'CLICK')
        and not email_events.is_filtered_event
),

live_comments as (
    select
        ticket_comments.*,
        row_number() over (
            partition by ticket_comments.ticket_id
            order by ticket_comments.created_at, ticket_comments.ticket_comment_id
        ) as comment_number
    from ticket_comments
    where not ticket_comments.is_deleted and ticket_comments.created_at is not null
),

ticket_replies as (
    select
        'zendesk:ticket_comment:' || live_comments.ticket_comment_id as engagement_event_id,
        'reply' as event_type,
        'zendesk' as source_system,
        'ticket_comment' as source_table,
        live_comments.ticket_comment_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as recipient_email,
        'zendesk:user:' || live_comments.author_user_id as recipient_record_key,
        cast(null as {{ dbt.type_string() }}) as known_contact_id,
        live_comments.created_at as occurred_at,
        'zendesk:ticket:' || live_comments.ticket_id as related_message_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from live_comments
    left join zendesk_users as authors
        on live_comments.author_user_id = authors.zendesk_user_id
    where
        live_comments.is_public
        and live_comments.comment_number > 1
        and coalesce(authors.user_role, 'end-user') not in ('agent', 'admin')
),

crm_activities as (
    select
        'salesforce:task:' || task_id as engagement_event_id,
        case when lower(task_type) = 'meeting' then 'meeting' else 'reply' end as event_type,
        'salesforce' as source_system,
        'task' as source_table,
        task_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as recipient_email,
        'salesforce:contact:' || contact_id as recipient_record_key,
        cast(null as {{ dbt.type_string() }}) as known_contact_id,
        coalesce(completed_at, created_at, cast(activity_date as timestamp)) as occurred_at,
        'salesforce:' || task_id as related_message_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from tasks
    where
        not is_deleted
        and lower(coalesce(status, '')) = 'completed'
        and (lower(coalesce(task_type, '')) = 'meeting' or lower(coalesce(call_type, '')) = 'inbound')
),

tickets_opened as (
    select
        'zendesk:ticket:' || ticket_id as engagement_event_id,
        'ticket_opened' as event_type,
        'zendesk' as source_system,
        'ticket' as source_table,
        ticket_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as recipient_email,
        cast(null as {{ dbt.type_string() }}) as recipient_record_key,
        contact_id as known_contact_id,
        created_at as occurred_at,
        'zendesk:ticket:' || ticket_id as related_message_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from tickets
),

unioned as (
    select * from email_engagement
    union all
    select * from ticket_replies
    union all
    select * from crm_activities
    union all
    select * from tickets_opened
),

resolved as (
    select
        unioned.*,
        coalesce(
            unioned.known_contact_id,
            case when contact_emails.contact_count = 1 then contact_emails.contact_id end,
            contact_clusters.contact_id
        ) as contact_id
    from unioned
    left join contact_emails
        on unioned.recipient_email = contact_emails.email
    left join contact_clusters
        on unioned.recipient_record_key = contact_clusters.record_key
),

final as (
    select
        resolved.engagement_event_id,
        resolved.contact_id,
        contact_accounts.account_id,
        resolved.event_type,
        resolved.source_system,
        resolved.source_table,
        resolved.source_record_id,
        resolved.occurred_at,
        resolved.related_message_id,
        resolved.campaign_id
    from resolved
    left join contact_accounts
        on resolved.contact_id = contact_accounts.contact_id
    where resolved.contact_id is not null and resolved.occurred_at is not null
)

select * from final
