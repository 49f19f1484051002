{#-
  Source rows the warehouse could not use, each with the reason, so nothing is dropped
  silently: messages whose recipient or time cannot be resolved, contact records whose
  email is not an address, and records whose timestamps could not be parsed.
-#}
with

messages as (
    select * from {{ ref('int_communications__messages') }}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

zendesk_users as (
    select * from {{ ref('stg_zendesk__users') }}
),

stripe_customers as (
    select * from {{ ref('stg_stripe__customers') }}
),

message_rows as (
    select
        source_system,
        source_table,
        source_record_id,
        quarantine_reason as reason,
        coalesce(recipient_email, recipient_record_key) as detail
    from messages
    where quarantine_reason is not null
),

invalid_emails as (
    select
        'salesforce' as source_system,
        'contact' as source_table,
        contact_id as source_record_id,
        'invalid_email' as reason,
        email_raw as detail
    from salesforce_contacts
    where email_raw is not null and email is null

    union all

    select
        'hubspot' as source_system,
        'contact' as source_table,
        hubspot_contact_id as source_record_id,
        'invalid_email' as reason,
        email_raw as detail
    from hubspot_contacts
    where email_raw is not null and email is null

    union all

    select
        'zendesk' as source_system,
        'user' as source_table,
        zendesk_user_id as source_record_id,
        'invalid_email' as reason,
        email_raw as detail
    from zendesk_users
    where email_raw is not null and email is null

    union all

    select
        'stripe' as source_system,
        'customer' as source_table,
        customer_id as source_record_id,
        'invalid_email' as reason,
        email_raw as detail
    from stripe_customers
    where email_raw is not null and email is null
),

final as (
    select * from message_rows
    union all
    select * from invalid_emails
)

select * from final
