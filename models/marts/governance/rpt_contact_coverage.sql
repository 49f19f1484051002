{#-
  One row per contact who received at least one message: how many messages they got in all
  (fct_communications) and the share of them each single source system saw (Salesforce,
  HubSpot, Zendesk, Stripe). The largest single share is how much of a contact's inbox the
  best-placed vendor could see: a vendor's own frequency cap never counts the rest.
-#}
with

communications as (
    select * from {{ ref('fct_communications') }}
),

contacts as (
    select * from {{ ref('dim_contacts') }}
),

per_contact as (
    select
        contact_id,
        count(*) as messages_total,
        count(case when source_system = 'salesforce' then 1 end) as messages_salesforce,
        count(case when source_system = 'hubspot' then 1 end) as messages_hubspot,
        count(case when source_system = 'zendesk' then 1 end) as messages_zendesk,
        count(case when source_system = 'stripe' then 1 end) as messages_stripe,
        count(distinct source_system) as source_system_count
    from communications
    where contact_id is not null
    group by contact_id
),

shares as (
    select
        per_contact.*,
        greatest(
            per_contact.messages_salesforce,
            per_contact.messages_hubspot,
            per_contact.messages_zendesk,
            per_contact.messages_stripe
        ) as messages_largest_source
    from per_contact
),

final as (
    select
        shares.contact_id,
        contacts.account_id,
        cast(shares.messages_total as integer) as messages_total,
        cast(shares.messages_salesforce as integer) as messages_salesforce,
        cast(shares.messages_hubspot as integer) as messages_hubspot,
        cast(shares.messages_zendesk as integer) as messages_zendesk,
        cast(shares.messages_stripe as integer) as messages_stripe,
        cast(shares.messages_salesforce as double) / shares.messages_total as share_salesforce,
        cast(shares.messages_hubspot as double) / shares.messages_total as share_hubspot,
        cast(shares.messages_zendesk as double) / shares.messages_total as share_zendesk,
        cast(shares.messages_stripe as double) / shares.messages_total as share_stripe,
        cast(shares.source_system_count as integer) as source_system_count,
        case shares.messages_largest_source
            when shares.messages_salesforce then 'salesforce'
            when shares.messages_hubspot then 'hubspot'
            when shares.messages_zendesk then 'zendesk'
            else 'stripe'
        end as largest_source_system,
        cast(shares.messages_largest_source as double) / shares.messages_total
            as largest_source_share
    from shares
    left join contacts
        on shares.contact_id = contacts.contact_id
)

select * from final
