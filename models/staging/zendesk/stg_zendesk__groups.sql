with

source as (
    {{ loaded_raw('zendesk', 'group') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as group_id,
        -- dimensions
        {{ as_text('name') }} as group_name,
        {{ as_text('description') }} as group_description,
        -- timestamps
        {{ parse_timestamp('created_at') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('is_public') }}, true) as is_public,
        coalesce({{ parse_boolean('deleted') }}, false)
        or coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
