{#-
  Subscriptions, from the `subscription` table or, for older connectors, the current rows
  of `subscription_history` (_fivetran_active). Newer Stripe API versions keep the current
  period on the subscription items: it is taken from there when the subscription has none.
-#}
{%- set from_history = not raw_table_exists('stripe', 'subscription')
    and raw_table_exists('stripe', 'subscription_history') -%}
with

source as (
    {{ select_raw('stripe', 'subscription_history' if from_history else 'subscription') }}
),

latest as (
    {{ latest_version(
        'source',
        active_column='_fivetran_active' if from_history else none,
        modified_column='_fivetran_start' if from_history else none
    ) }}
),

item_periods as (
    select
        {{ as_text('subscription_id') }} as subscription_id,
        min({{ parse_timestamp('current_period_start') }}) as current_period_start_at,
        max({{ parse_timestamp('current_period_end') }}) as current_period_end_at
    from ({{ select_raw('stripe', 'subscription_item') }}) as items
    group by {{ as_text('subscription_id') }}
),

renamed as (
    select
        -- ids
        {{ as_text('latest.id') }} as subscription_id,
        {{ as_text('latest.customer_id') }} as customer_id,
        -- dimensions
        lower({{ as_text('latest.status') }}) as status,
        {{ as_text('latest.collection_method') }} as collection_method,
        -- timestamps
        coalesce(
            {{ parse_timestamp('latest.start_date') }}, {{ parse_timestamp('latest.created') }}
        ) as started_at,
        coalesce(
            {{ parse_timestamp('latest.current_period_start') }}, item_periods.current_period_start_at
        ) as current_period_start_at,
        coalesce(
            {{ parse_timestamp('latest.current_period_end') }}, item_periods.current_period_end_at
        ) as current_period_end_at,
        {{ parse_timestamp('latest.trial_start') }} as trial_start_at,
        {{ parse_timestamp('latest.trial_end') }} as trial_end_at,
        {{ parse_timestamp('latest.canceled_at') }} as canceled_at,
        {{ parse_timestamp('latest.ended_at') }} as ended_at,
        {{ parse_timestamp('latest.created') }} as created_at,
        -- flags
        coalesce({{ parse_boolean('latest.cancel_at_period_end') }}, false) as is_cancel_at_period_end
    from latest
    left join item_periods
        on {{ as_text('latest.id') }} = item_periods.subscription_id
    where coalesce({{ parse_boolean('latest.livemode') }}, true)
)

select * from renamed
