{#-
  What persona rules look at, one row per contact: the golden title (int_core__contacts),
  whether the person is the billing email of a (live) Stripe customer, tickets opened and
  engagement score (last 90 days).
-#}
with

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

contacts as (
    select * from {{ ref('int_core__contacts') }}
),

engagement as (
    select * from {{ ref('int_contacts__engagement') }}
),

billing as (
    select
        contact_clusters.contact_id,
        max(
            case when contact_records.source_system = 'stripe' and not contact_records.is_deleted then 1 else 0 end
        ) = 1 as is_billing_contact
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
    group by contact_clusters.contact_id
),

final as (
    select
        billing.contact_id,
        contacts.title,
        billing.is_billing_contact,
        coalesce(engagement.tickets_90d, 0) as tickets_90d,
        coalesce(engagement.engagement_score, 0) as engagement_score
    from billing
    inner join contacts
        on billing.contact_id = contacts.contact_id
    left join engagement
        on billing.contact_id = engagement.contact_id
)

select * from final
