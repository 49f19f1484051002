with

source as (
    {{ loaded_raw('stripe', 'customer') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as customer_id,
        {{ json_text_field('metadata', 'salesforce_account_id') }} as crm_account_id,
        -- dimensions
        {{ as_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ as_text('name') }} as customer_name,
        {{ normalise_company_name('name') }} as customer_name_normalised,
        {{ as_text('description') }} as description,
        {{ as_text('address_country') }} as address_country,
        lower({{ as_text('currency') }}) as currency,
        -- measures
        {{ parse_number('balance') }} / 100.0 as balance,
        -- timestamps
        {{ parse_timestamp('created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('delinquent') }}, false) as is_delinquent,
        coalesce({{ parse_boolean('is_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
