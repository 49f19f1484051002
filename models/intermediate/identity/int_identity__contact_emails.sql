{#- Normalised email -> contact, for resolving messages addressed by email. An email
    shared by several contacts (a generic key) is ambiguous and maps to none. -#}
with

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

final as (
    select
        contact_records.email,
        min(contact_clusters.contact_id) as contact_id,
        count(distinct contact_clusters.contact_id) as contact_count
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
    where contact_records.email is not null
    group by contact_records.email
)

select * from final
