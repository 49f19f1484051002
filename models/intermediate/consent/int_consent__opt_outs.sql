{#-
  Opt-outs from every system, one row per (contact, source): HubSpot unsubscribe events
  (with their time), the HubSpot email opt-out property and the CRM's
  has_opted_out_of_email flag (flags carry no time of their own).
-#}
with

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

status_changes as (
    select * from {{ ref('stg_hubspot__email_status_changes') }}
),

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

contact_emails as (
    select * from {{ ref('int_identity__contact_emails') }}
),

unsubscribe_events as (
    select
        contact_emails.contact_id,
        'hubspot_unsubscribe_event' as opt_out_source,
        min(email_events.occurred_at) as opted_out_at
    from email_events
    inner join status_changes
        on email_events.email_event_id = status_changes.email_event_id
    inner join contact_emails
        on email_events.recipient_email = contact_emails.email
    where
        email_events.event_type = 'STATUSCHANGE'
        and status_changes.subscription_status = 'UNSUBSCRIBED'
        and contact_emails.contact_count = 1
    group by contact_emails.contact_id
),

flags as (
    select
        contact_clusters.contact_id,
        contact_records.source_system || '_opt_out_flag' as opt_out_source,
        cast(null as timestamp) as opted_out_at
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
    where contact_records.has_opted_out_of_email and not contact_records.is_deleted
    group by contact_clusters.contact_id, contact_records.source_system
),

final as (
    select * from unsubscribe_events
    union all
    select * from flags
)

select * from final
