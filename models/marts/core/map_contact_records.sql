{#- One row per contact-like source record, linked or not, with its contact and the
    strongest rule that tied it to another record of its cluster ('unlinked' if none). -#}
with

contact_records as (
    select * from {{ ref('int_identity__contact_records') }}
),

contact_clusters as (
    select * from {{ ref('int_identity__contact_clusters') }}
),

contact_edges as (
    select * from {{ ref('int_identity__contact_edges') }}
),

shared_edges as (
    select
        record_key,
        link_rule,
        row_number() over (
            partition by record_key
            order by case link_rule when 'same_normalised_email' then 1 else 2 end, link_key
        ) as rule_rank
    from contact_edges
    where is_usable and key_record_count > 1
),

final as (
    select
        contact_records.source_system,
        contact_records.source_table,
        contact_records.source_record_id,
        contact_records.record_key,
        contact_clusters.contact_id,
        coalesce(shared_edges.link_rule, 'unlinked') as link_rule,
        cast(contact_clusters.cluster_size as integer) as cluster_size,
        contact_records.is_deleted
    from contact_records
    inner join contact_clusters
        on contact_records.record_key = contact_clusters.record_key
    left join shared_edges
        on contact_records.record_key = shared_edges.record_key and shared_edges.rule_rank = 1
)

select * from final
