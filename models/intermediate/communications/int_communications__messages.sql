{#-
  Every outbound message to a person, from every system, in one shape, with the
  recipient resolved to a contact where possible. What counts as a message:
  - hubspot: email_event of type SENT (marketing email), recipient by email;
  - salesforce: completed tasks of subtype/type Email or Call, recipient = who_id;
  - zendesk: public ticket comments written by an agent or admin, recipient = requester;
  - stripe: every finalised (non-draft) invoice, emailed to the customer's billing email.
  Rows that cannot be placed (unknown or ambiguous recipient, no timestamp) carry a
  quarantine_reason and go to audit_quarantined_records instead of fct_communications.
-#}
with

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

events_sent as (
    select * from {{ ref('stg_hubspot__email_events_sent') }}
),

email_campaigns as (
    select * from {{ ref('stg_hubspot__email_campaigns') }}
),

campaign_types as (
    select * from {{ ref('hubspot_campaign_types') }}
),

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

crm_user_teams as (
    select * from {{ ref('int_crm__user_teams') }}
),

team_categories as (
    select * from {{ ref('team_categories') }}
),

ticket_comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

invoices as (
    select * from {{ ref('stg_stripe__invoices') }}
),

stripe_customers as (
    select * from {{ ref('stg_stripe__customers') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

contact_emails as (
    select * from {{ ref('int_identity__contact_emails') }}
),

hubspot_messages as (
    select
        'hubspot:' || email_events.email_event_id as message_id,
        'hubspot' as source_system,
        'email_event' as source_table,
        email_events.email_event_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as recipient_record_key,
        email_events.recipient_email,
        'email' as channel,
        'marketing' as team,
        coalesce(campaign_types.category, 'promotional') as category,
        coalesce(events_sent.from_address, email_campaigns.app_name, 'HubSpot') as sender,
        email_events.email_campaign_id as sender_id,
        email_events.occurred_at as sent_at,
        coalesce(events_sent.subject, email_campaigns.subject, email_campaigns.campaign_name) as subject,
        email_events.email_campaign_id as campaign_id
    from email_events
    left join events_sent
        on email_events.email_event_id = events_sent.email_event_id
    left join email_campaigns
        on email_events.email_campaign_id = email_campaigns.email_campaign_id
    left join campaign_types
        on email_campaigns.campaign_type = campaign_types.campaign_type
    where email_events.event_type = 'SENT' and not email_events.is_filtered_event
),

salesforce_messages as (
    select
        'salesforce:' || tasks.task_id as message_id,
        'salesforce' as source_system,
        'task' as source_table,
        tasks.task_id as source_record_id,
        'salesforce:contact:' || tasks.contact_id as recipient_record_key,
        cast(null as {{ dbt.type_string() }}) as recipient_email,
        case
            when lower(coalesce(tasks.task_subtype, tasks.task_type)) = 'call' then 'phone'
            else 'email'
        end as channel,
        coalesce(crm_user_teams.team, 'unassigned') as team,
        coalesce(team_categories.default_category, 'sales') as category,
        coalesce(crm_user_teams.full_name, tasks.owner_user_id) as sender,
        tasks.owner_user_id as sender_id,
        coalesce(tasks.completed_at, tasks.created_at, cast(tasks.activity_date as timestamp)) as sent_at,
        tasks.subject,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from tasks
    left join crm_user_teams
        on tasks.owner_user_id = crm_user_teams.user_id
    left join team_categories
        on crm_user_teams.team = team_categories.team
    where
        not tasks.is_deleted
        -- a task export without a status column: a task with a completion time is done
        and lower(
            coalesce(tasks.status, case when tasks.completed_at is not null then 'completed' end, '')
        ) = 'completed'
        and (
            lower(coalesce(tasks.task_subtype, '')) in ('email', 'call')
            or lower(coalesce(tasks.task_type, '')) in ('email', 'call')
        )
),

zendesk_messages as (
    select
        'zendesk:' || ticket_comments.ticket_comment_id as message_id,
        'zendesk' as source_system,
        'ticket_comment' as source_table,
        ticket_comments.ticket_comment_id as source_record_id,
        'zendesk:user:' || tickets.requester_id as recipient_record_key,
        cast(null as {{ dbt.type_string() }}) as recipient_email,
        'email' as channel,
        'support' as team,
        'support' as category,
        coalesce(authors.full_name, ticket_comments.author_user_id) as sender,
        ticket_comments.author_user_id as sender_id,
        ticket_comments.created_at as sent_at,
        tickets.subject,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from ticket_comments
    inner join zendesk_users as authors
        on ticket_comments.author_user_id = authors.zendesk_user_id
    left join tickets
        on ticket_comments.ticket_id = tickets.ticket_id
    where
        ticket_comments.is_public
        and not ticket_comments.is_deleted
        and authors.user_role in ('agent', 'admin')
),

stripe_messages as (
    select
        'stripe:' || invoices.invoice_id as message_id,
        'stripe' as source_system,
        'invoice' as source_table,
        invoices.invoice_id as source_record_id,
        'stripe:customer:' || invoices.customer_id as recipient_record_key,
        coalesce(invoices.customer_email, stripe_customers.email) as recipient_email,
        'email' as channel,
        'billing' as team,
        'transactional' as category,
        'Stripe billing' as sender,
        invoices.customer_id as sender_id,
        invoices.created_at as sent_at,
        'Invoice ' || coalesce(invoices.invoice_number, invoices.invoice_id) as subject,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from invoices
    left join stripe_customers
        on invoices.customer_id = stripe_customers.customer_id
    where not invoices.is_deleted and coalesce(invoices.status, 'draft') <> 'draft'
),

unioned as (
    select * from hubspot_messages
    union all
    select * from salesforce_messages
    union all
    select * from zendesk_messages
    union all
    select * from stripe_messages
),

resolved as (
    select
        unioned.*,
        -- an address wins over a record link: a Stripe invoice goes to its billing email
        coalesce(
            case when contact_emails.contact_count = 1 then contact_emails.contact_id end,
            contact_clusters.contact_id
        ) as contact_id,
        contact_emails.contact_count as email_contact_count
    from unioned
    left join contact_emails
        on unioned.recipient_email = contact_emails.email
    left join contact_clusters
        on unioned.recipient_record_key = contact_clusters.record_key
),

final as (
    select
        message_id,
        source_system,
        source_table,
        source_record_id,
        contact_id,
        channel,
        team,
        category,
        sender,
        sender_id,
        sent_at,
        subject,
        campaign_id,
        recipient_email,
        recipient_record_key,
        case
            when sent_at is null then 'missing_or_unparseable_timestamp'
            when contact_id is null and email_contact_count > 1 then 'ambiguous_recipient_email'
            when contact_id is null and recipient_email is null and recipient_record_key is null
                then 'missing_recipient'
            when contact_id is null then 'unknown_recipient'
        end as quarantine_reason
    from resolved
)

select * from final
