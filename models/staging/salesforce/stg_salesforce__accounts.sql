with

source as (
    {{ loaded_raw('salesforce', 'account') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as account_id,
        {{ as_text('parent_id') }} as parent_account_id,
        {{ as_text('owner_id') }} as owner_user_id,
        -- dimensions
        {{ as_text('name') }} as account_name,
        {{ normalise_company_name('name') }} as account_name_normalised,
        {{ normalise_domain('website') }} as website_domain,
        {{ as_text('industry') }} as industry,
        {{ as_text('type') }} as account_type,
        {{ as_text('billing_city') }} as billing_city,
        {{ as_text('billing_country') }} as billing_country,
        -- measures
        {{ parse_number('number_of_employees', 'integer') }} as number_of_employees,
        {{ parse_number('annual_revenue') }} as annual_revenue,
        -- timestamps
        {{ parse_timestamp('created_date') }} as created_at,
        {{ parse_timestamp('last_modified_date') }} as modified_at,
        {{ parse_timestamp('_fivetran_synced') }} as synced_at,
        -- flags
        coalesce({{ parse_boolean('is_deleted') }}, false)
        or coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
