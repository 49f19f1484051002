{#-
  Prices, from the `price` table or, for older connectors, the `plan` table (the same facts
  under older names: amount, interval, interval_count; the contract declares them as
  aliases, so both read as the price's columns).
-#}
{%- set use_price = raw_table_exists('stripe', 'price') or not raw_table_exists('stripe', 'plan') -%}
with

source as (
    {{ loaded_raw('stripe', 'price' if use_price else 'plan') }}
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
    from source
)

select * from renamed
