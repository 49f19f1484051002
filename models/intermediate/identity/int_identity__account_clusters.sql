{#- Account clusters: connected components of account records over usable link keys. -#}
with

account_records as (
    select * from {{ ref('int_identity__account_records') }}
),

usable_edges as (
    select
        record_key,
        link_key
    from {{ ref('int_identity__account_edges') }}
    where is_usable
),

{{ connected_components_ctes('account_records', 'usable_edges', var('identity_iterations')) }},

final as (
    select
        components.record_key,
        components.cluster_key,
        {{ dbt.hash('components.cluster_key') }} as account_id,
        components.is_converged,
        count(*) over (partition by components.cluster_key) as cluster_size
    from components
)

select * from final
