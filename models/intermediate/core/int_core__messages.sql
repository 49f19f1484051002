{#-
  The one definition of a message: every outbound message placed on a known contact, from
  every system, one row each, with the contact's account. Everything downstream (policy
  audit, engagement, journey, last touch) reads this model; the mart fct_communications
  publishes it. Messages that cannot be placed go to audit_quarantined_records.
-#}
with

messages as (
    select * from {{ ref('int_communications__messages') }}
),

contact_accounts as (
    select * from {{ ref('int_identity__contact_accounts') }}
),

final as (
    select
        messages.message_id,
        messages.source_system,
        messages.source_table,
        messages.source_record_id,
        messages.contact_id,
        contact_accounts.account_id,
        messages.channel,
        messages.team,
        messages.category,
        messages.sender,
        messages.sender_id,
        messages.sent_at,
        messages.subject,
        messages.campaign_id
    from messages
    left join contact_accounts
        on messages.contact_id = contact_accounts.contact_id
    where messages.quarantine_reason is null
)

select * from final
