{#-
  Subscriptions, from the `subscription` table or, for older connectors, the current rows
  of `subscription_history` (_fivetran_active). Newer Stripe API versions keep the current
  period on the subscription items: it is taken from there when the subscription has none.
-#}
{%- set from_history = not raw_table_exists('stripe', 'subscription')
    and raw_table_exists('stripe', 'subscription_history') -%}
{%- set subscription_table = 'subscription_history' if from_history else 'subscription' -%}
with

source as (
    {{ loaded_raw('stripe', subscription_table) }}
),

item_periods as (
    select
        {{ as_text('subscription_id') }} as subscription_id,
        min({{ parse_timestamp('current_period_start') }}) as current_period_start_at,
        max({{ parse_timestamp('current_period_end') }}) as current_period_end_at
    from ({{ loaded_raw('stripe', 'subscription_item') }}) as items
    group by {{ as_text('subscription_id') }}
),

renamed as (
    select
        -- ids
        {{ as_text('source.id') }} as subscription_id,
        {{ as_text('source.customer_id') }} as customer_id,
        -- dimensions
        {{ raw_enum('stripe', subscription_table, 'status', 'source.status') }} as status,
        {{ as_text('source.collection_method') }} as collection_method,
        -- timestamps
        coalesce(
            {{ parse_timestamp('source.start_date') }}, {{ parse_timestamp('source.created') }}
        ) as started_at,
        coalesce(
            {{ parse_timestamp('source.current_period_start') }}, item_periods.current_period_start_at
        ) as current_period_start_at,
        coalesce(
            {{ parse_timestamp('source.current_period_end') }}, item_periods.current_period_end_at
        ) as current_period_end_at,
        {{ parse_timestamp('source.trial_start') }} as trial_start_at,
        {{ parse_timestamp('source.trial_end') }} as trial_end_at,
        {{ parse_timestamp('source.canceled_at') }} as canceled_at,
        {{ parse_timestamp('source.ended_at') }} as ended_at,
        {{ parse_timestamp('source.created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('source.cancel_at_period_end') }}, false) as is_cancel_at_period_end
    from source
    left join item_periods
        on {{ as_text('source.id') }} = item_periods.subscription_id
)

select * from renamed
