with

source as (
    {{ loaded_raw('zendesk', 'ticket_comment') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as ticket_comment_id,
        {{ as_text('ticket_id') }} as ticket_id,
        {{ as_text('user_id') }} as author_user_id,
        -- dimensions
        {{ as_text('body') }} as body,
        lower({{ as_text('via_channel') }}) as via_channel,
        -- timestamps
        {{ parse_timestamp('created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('public') }}, false) as is_public,
        coalesce({{ parse_boolean('_fivetran_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
