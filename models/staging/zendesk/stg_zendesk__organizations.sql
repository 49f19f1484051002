{#-
  Organizations. Domains come from the `domain_names` column (older connectors) or the
  `domain_name` table (one row per domain); either way `domain_names` is one lower-case,
  comma-separated list.
-#}
with

source as (
    {{ loaded_raw('zendesk', 'organization') }}
),

domain_rows as (
    {{ loaded_raw('zendesk', 'domain_name') }}
),

domain_lists as (
    select
        {{ as_text('organization_id') }} as organization_id,
        {{ agg_distinct_list("lower(" ~ as_text('domain_name') ~ ")") }} as domain_names
    from domain_rows
    where {{ as_text('domain_name') }} is not null
    group by {{ as_text('organization_id') }}
),

renamed as (
    select
        -- ids
        {{ as_text('source.id') }} as organization_id,
        {{ as_text('source.group_id') }} as group_id,
        {{ as_text('source.external_id') }} as external_id,
        -- dimensions
        {{ as_text('source.name') }} as organization_name,
        {{ normalise_company_name('source.name') }} as organization_name_normalised,
        {{ regexp_replace_all(
            "lower(coalesce(" ~ as_text('source.domain_names') ~ ", domain_lists.domain_names))",
            "'[^a-z0-9.,-]+'", "''"
        ) }} as domain_names,
        -- timestamps
        {{ parse_timestamp('source.created_at') }} as created_at,
        {{ parse_timestamp('source.updated_at') }} as updated_at,
        -- flags
        coalesce({{ parse_boolean('source._fivetran_deleted') }}, false) as is_deleted
    from source
    left join domain_lists
        on {{ as_text('source.id') }} = domain_lists.organization_id
)

select * from renamed
