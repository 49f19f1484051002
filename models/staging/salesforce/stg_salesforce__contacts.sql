with

source as (
    {{ loaded_raw('salesforce', 'contact') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as contact_id,
        {{ as_text('account_id') }} as account_id,
        {{ as_text('owner_id') }} as owner_user_id,
        -- dimensions
        {{ as_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ as_text('first_name') }} as first_name,
        {{ as_text('last_name') }} as last_name,
        coalesce(
            {{ as_text('name') }},
            trim(coalesce({{ as_text('first_name') }}, '') || ' ' || coalesce({{ as_text('last_name') }}, ''))
        ) as full_name,
        {{ as_text('title') }} as title,
        {{ as_text('department') }} as department,
        {{ as_text('mailing_country') }} as mailing_country,
        {{ as_text('lead_source') }} as lead_source,
        -- timestamps
        {{ parse_timestamp('created_date') }} as created_at,
        {{ parse_timestamp('last_modified_date') }} as modified_at,
        {{ parse_timestamp('_fivetran_synced') }} as synced_at,
        -- flags
        coalesce({{ parse_boolean('has_opted_out_of_email') }}, false) as has_opted_out_of_email,
        coalesce({{ parse_boolean('do_not_call') }}, false) as do_not_call,
        coalesce({{ parse_boolean('is_deleted') }}, false)
        or coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
