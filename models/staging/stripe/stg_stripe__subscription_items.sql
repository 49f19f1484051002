with

source as (
    {{ loaded_raw('stripe', 'subscription_item') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as subscription_item_id,
        {{ as_text('subscription_id') }} as subscription_id,
        {{ as_text('price_id') }} as price_id,
        -- measures
        coalesce({{ parse_number('quantity', 'integer') }}, 1) as quantity,
        -- timestamps (newer Stripe API versions keep the current period on the item)
        {{ parse_timestamp('current_period_start') }} as current_period_start_at,
        {{ parse_timestamp('current_period_end') }} as current_period_end_at,
        {{ parse_timestamp('created') }} as created_at
    from source
)

select * from renamed
