with

source as (
    {{ loaded_raw('hubspot', 'email_event_status_change') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as email_event_id,
        -- dimensions
        upper({{ as_text('source') }}) as change_source,
        {{ as_text('requested_by') }} as requested_by,
        upper({{ as_text('portal_subscription_status') }}) as subscription_status,
        upper({{ as_text('change_type') }}) as change_type,
        -- flags
        coalesce({{ parse_boolean('bounced') }}, false) as is_bounced
    from source
)

select * from renamed
