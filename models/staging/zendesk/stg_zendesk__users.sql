with

source as (
    select * from {{ source('zendesk', 'user') }}
),

latest as (
    {{ latest_version('source') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as zendesk_user_id,
        {{ as_text('organization_id') }} as organization_id,
        {{ as_text('external_id') }} as external_id,
        -- dimensions
        {{ as_text('email') }} as email_raw,
        {{ normalise_email('email') }} as email,
        {{ as_text('name') }} as full_name,
        lower({{ as_text('role') }}) as user_role,
        {{ as_text('time_zone') }} as time_zone,
        {{ as_text('iana_time_zone') }} as iana_time_zone,
        {{ as_text('locale') }} as locale,
        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {{ parse_timestamp('last_login_at') }} as last_login_at,
        -- flags
        coalesce({{ parse_boolean('active') }}, true) as is_active,
        coalesce({{ parse_boolean('suspended') }}, false) as is_suspended,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from latest
)

select * from renamed
