{#- One row per account-like source record, linked or not, with its account and the
    strongest rule that tied it to another record of its cluster ('unlinked' if none). -#}
with

account_records as (
    select * from {{ ref('int_identity__account_records') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

account_edges as (
    select * from {{ ref('int_identity__account_edges') }}
),

shared_edges as (
    select
        record_key,
        link_rule,
        row_number() over (partition by record_key order by rule_priority, link_key) as rule_rank
    from account_edges
    where is_usable and key_record_count > 1
),

final as (
    select
        account_records.source_system,
        account_records.source_table,
        account_records.source_record_id,
        account_records.record_key,
        account_clusters.account_id,
        coalesce(shared_edges.link_rule, 'unlinked') as link_rule,
        cast(account_clusters.cluster_size as integer) as cluster_size,
        account_records.is_deleted
    from account_records
    inner join account_clusters
        on account_records.record_key = account_clusters.record_key
    left join shared_edges
        on account_records.record_key = shared_edges.record_key and shared_edges.rule_rank = 1
)

select * from final
