{#-
  Every item of every Stripe subscription (in its latest version: an upgrade re-lands the
  same item with the new price or quantity) with the one definition of monthly recurring
  revenue: item MRR = quantity x unit amount, normalised to a month (year / 12,
  week x 52 / 12, day x 365 / 12, divided by the interval count); null when the price is
  unknown. The plan is the product tier of the price (plan_from_price: 'Growth monthly' ->
  'growth'). The subscription's state at the data's end comes with it
  (int_billing__subscriptions): MRR counts where is_revenue.
-#}
with

subscriptions as (
    select * from {{ ref('int_billing__subscriptions') }}
),

subscription_items as (
    select * from {{ ref('stg_stripe__subscription_items') }}
),

prices as (
    select * from {{ ref('stg_stripe__prices') }}
),

final as (
    select
        subscription_items.subscription_item_id,
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.started_at,
        subscriptions.is_live,
        subscriptions.is_revenue,
        subscription_items.quantity,
        prices.recurring_interval as billing_interval,
        {{ plan_from_price('prices.price_nickname', 'prices.product_id') }} as plan,
        -- in double precision, dividing last: `x * (1.0 / 12)` is a double on DuckDB but a
        -- decimal rounded to 6 places on Spark (1799.99 for 1800.00); this is exact on both
        cast(subscription_items.quantity as double) * prices.unit_amount
        * case prices.recurring_interval
            when 'year' then 1
            when 'week' then 52
            when 'day' then 365
            else 12
        end
        / (12 * nullif(prices.recurring_interval_count, 0)) as item_mrr
    from subscriptions
    inner join subscription_items
        on subscriptions.subscription_id = subscription_items.subscription_id
    left join prices
        on subscription_items.price_id = prices.price_id
)

select * from final
