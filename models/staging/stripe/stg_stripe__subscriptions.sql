with

source as (
    select * from {{ source('stripe', 'subscription') }}
),

latest as (
    {{ latest_version('source') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as subscription_id,
        {{ as_text('customer_id') }} as customer_id,
        -- dimensions
        lower({{ as_text('status') }}) as status,
        {{ as_text('collection_method') }} as collection_method,
        -- timestamps
        {{ parse_timestamp('start_date') }} as started_at,
        {{ parse_timestamp('current_period_start') }} as current_period_start_at,
        {{ parse_timestamp('current_period_end') }} as current_period_end_at,
        {{ parse_timestamp('trial_start') }} as trial_start_at,
        {{ parse_timestamp('trial_end') }} as trial_end_at,
        {{ parse_timestamp('canceled_at') }} as canceled_at,
        {{ parse_timestamp('ended_at') }} as ended_at,
        {{ parse_timestamp('created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('cancel_at_period_end') }}, false) as is_cancel_at_period_end
    from latest
)

select * from renamed
