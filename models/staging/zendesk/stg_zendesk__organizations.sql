with

source as (
    select * from {{ source('zendesk', 'organization') }}
),

latest as (
    {{ latest_version('source') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as organization_id,
        {{ as_text('group_id') }} as group_id,
        {{ as_text('external_id') }} as external_id,
        -- dimensions
        {{ as_text('name') }} as organization_name,
        {{ normalise_company_name('name') }} as organization_name_normalised,
        {{ regexp_replace_all("lower(" ~ as_text('domain_names') ~ ")", "'[^a-z0-9.,-]+'", "''") }} as domain_names,
        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        -- flags
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from latest
)

select * from renamed
