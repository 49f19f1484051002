with

source as (
    {{ loaded_raw('hubspot', 'contact') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as hubspot_contact_id,
        {{ as_text('property_hubspot_owner_id') }} as owner_id,
        -- dimensions
        {{ as_text('property_email') }} as email_raw,
        {{ normalise_email('property_email') }} as email,
        {{ as_text('property_firstname') }} as first_name,
        {{ as_text('property_lastname') }} as last_name,
        {{ as_text('property_jobtitle') }} as job_title,
        {{ as_text('property_company') }} as company_name,
        {{ normalise_company_name('property_company') }} as company_name_normalised,
        {{ normalise_domain('property_website') }} as website_domain,
        {{ as_text('property_country') }} as country,
        lower({{ as_text('property_lifecyclestage') }}) as lifecycle_stage,
        {{ as_text('property_hs_lead_status') }} as lead_status,
        -- timestamps
        {{ parse_timestamp('property_createdate') }} as created_at,
        {{ parse_timestamp('property_lastmodifieddate') }} as modified_at,
        -- flags
        coalesce({{ parse_boolean('property_hs_email_optout') }}, false) as has_opted_out_of_email,
        coalesce({{ parse_boolean('is_deleted') }}, false)
        or coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
