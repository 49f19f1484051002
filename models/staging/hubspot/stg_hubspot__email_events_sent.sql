with

source as (
    {{ loaded_raw('hubspot', 'email_event_sent') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as email_event_id,
        -- dimensions
        {{ as_text(adapter.quote('from')) }} as from_address,
        {{ as_text('reply_to') }} as reply_to,
        {{ as_text('subject') }} as subject
    from source
)

select * from renamed
