with

source as (
    select * from {{ source('hubspot', 'email_event') }}
),

latest as (
    {{ latest_version('source') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as email_event_id,
        {{ as_text('email_campaign_id') }} as email_campaign_id,
        {{ as_text('sent_by_id') }} as sent_by_event_id,
        {{ as_text('caused_by_id') }} as caused_by_event_id,
        {{ as_text('portal_id') }} as portal_id,
        -- dimensions
        {{ as_text('recipient') }} as recipient_raw,
        {{ normalise_email('recipient') }} as recipient_email,
        upper({{ as_text('type') }}) as event_type,
        -- timestamps
        {{ parse_timestamp('created') }} as occurred_at,
        {{ parse_timestamp('_fivetran_synced') }} as synced_at,
        -- flags
        coalesce({{ parse_boolean('filtered_event') }}, false) as is_filtered_event
    from latest
)

select * from renamed
