with

source as (
    {{ loaded_raw('stripe', 'invoice') }}
),

renamed as (
    select
        -- ids
        {{ as_text('id') }} as invoice_id,
        {{ as_text('customer_id') }} as customer_id,
        {{ as_text('subscription_id') }} as subscription_id,
        -- dimensions
        {{ as_text('number') }} as invoice_number,
        {{ raw_enum('stripe', 'invoice', 'status') }} as status,
        {{ as_text('billing_reason') }} as billing_reason,
        {{ as_text('collection_method') }} as collection_method,
        lower({{ as_text('currency') }}) as currency,
        {{ as_text('customer_email') }} as customer_email_raw,
        {{ normalise_email('customer_email') }} as customer_email,
        {{ as_text('customer_name') }} as customer_name,
        -- measures (Stripe amounts are in cents)
        {{ parse_number('amount_due') }} / 100.0 as amount_due,
        {{ parse_number('amount_paid') }} / 100.0 as amount_paid,
        {{ parse_number('amount_remaining') }} / 100.0 as amount_remaining,
        {{ parse_number('total') }} / 100.0 as total,
        {{ parse_number('attempt_count', 'integer') }} as attempt_count,
        -- timestamps
        {{ parse_timestamp('period_start') }} as period_start_at,
        {{ parse_timestamp('period_end') }} as period_end_at,
        {{ parse_timestamp('due_date') }} as due_at,
        {{ parse_timestamp('created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('paid') }}, lower({{ as_text('status') }}) = 'paid', false) as is_paid,
        coalesce({{ parse_boolean('attempted') }}, false) as is_attempted,
        coalesce({{ parse_boolean('is_deleted') }}, false) as is_deleted
    from source
)

select * from renamed
