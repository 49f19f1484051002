with

source as (
    {{ loaded_raw('stripe', 'charge') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as charge_id,
        {{ as_text('customer_id') }} as customer_id,
        {{ as_text('invoice_id') }} as invoice_id,
        -- dimensions
        coalesce(
            {{ raw_enum('stripe', 'charge', 'status') }},
            case
                when {{ parse_boolean('paid') }} then 'succeeded'
                when not {{ parse_boolean('paid') }} then 'failed'
            end
        ) as status,
        lower({{ as_text('currency') }}) as currency,
        {{ as_text('failure_code') }} as failure_code,
        {{ normalise_email('receipt_email') }} as receipt_email,
        -- measures
        {{ parse_number('amount') }} / 100.0 as amount,
        {{ parse_number('amount_refunded') }} / 100.0 as amount_refunded,
        -- timestamps
        {{ parse_timestamp('created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('paid') }}, false) as is_paid,
        coalesce({{ parse_boolean('captured') }}, false) as is_captured,
        coalesce({{ parse_boolean('refunded') }}, false) as is_refunded
    from source
)

select * from renamed
