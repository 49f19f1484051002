with

source as (
    {{ loaded_raw('salesforce', 'user') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as user_id,
        {{ as_text('user_role_id') }} as user_role_id,
        {{ as_text('manager_id') }} as manager_user_id,
        -- dimensions
        {{ normalise_email('email') }} as email,
        coalesce(
            {{ as_text('name') }},
            trim(coalesce({{ as_text('first_name') }}, '') || ' ' || coalesce({{ as_text('last_name') }}, ''))
        ) as full_name,
        {{ as_text('title') }} as title,
        {{ as_text('department') }} as department,
        {{ as_text('time_zone_sid_key') }} as time_zone,
        -- timestamps
        {{ parse_timestamp('created_date') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('is_active') }}, true) as is_active
    from source
)

select * from renamed
