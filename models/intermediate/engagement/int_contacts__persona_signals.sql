{#-
  What persona rules look at, one row per contact: the golden title (same survivorship as
  dim_contacts: CRM, then HubSpot; live records first, oldest first), whether the person is the billing
  email of a (live) Stripe customer, tickets opened and engagement score (last 90 days).
-#}
with

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

engagement as (
    select * from {{ ref('int_contacts__engagement') }}
),

records as (
    select
        contact_records.*,
        contact_clusters.contact_id,
        case contact_records.source_system
            when 'salesforce' then 1 when 'hubspot' then 2 when 'zendesk' then 3 else 4
        end as source_priority
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
),

ranked as (
    select
        contact_id,
        title,
        row_number() over (
            partition by contact_id
            order by
                case when title is null then 1 else 0 end,
                is_deleted,
                source_priority,
                created_at nulls last,
                source_record_id
        ) as title_rank
    from records
),

billing as (
    select
        contact_id,
        max(case when source_system = 'stripe' and not is_deleted then 1 else 0 end) = 1 as is_billing_contact
    from records
    group by contact_id
),

final as (
    select
        billing.contact_id,
        ranked.title,
        billing.is_billing_contact,
        coalesce(engagement.tickets_90d, 0) as tickets_90d,
        coalesce(engagement.engagement_score, 0) as engagement_score
    from billing
    inner join ranked
        on billing.contact_id = ranked.contact_id and ranked.title_rank = 1
    left join engagement
        on billing.contact_id = engagement.contact_id
)

select * from final
