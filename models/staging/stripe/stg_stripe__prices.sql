with

source as (
    select * from {{ source('stripe', 'price') }}
),

latest as (
    {{ latest_version('source') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as price_id,
        {{ as_text('product_id') }} as product_id,
        -- dimensions
        {{ as_text('nickname') }} as price_nickname,
        lower({{ as_text('currency') }}) as currency,
        lower({{ as_text('recurring_interval') }}) as recurring_interval,
        -- measures
        {{ parse_number('unit_amount') }} / 100.0 as unit_amount,
        coalesce({{ parse_number('recurring_interval_count', 'integer') }}, 1) as recurring_interval_count,
        -- timestamps
        {{ parse_timestamp('created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('active') }}, true) as is_active
    from latest
)

select * from renamed
