{#-
  Current recurring revenue per Stripe customer: every item of a live subscription
  (active, past_due or trialing, not ended), unit amount x quantity, normalised to a month
  (yearly / 12, weekly x 52 / 12, divided by the interval count). The plan is the nickname
  of the price that brings the most MRR.
-#}
with

subscriptions as (
    select * from {{ ref('stg_stripe__subscriptions') }}
),

subscription_items as (
    select * from {{ ref('stg_stripe__subscription_items') }}
),

prices as (
    select * from {{ ref('stg_stripe__prices') }}
),

live_items as (
    select
        subscriptions.customer_id,
        subscriptions.subscription_id,
        subscriptions.started_at,
        prices.price_nickname,
        subscription_items.quantity,
        subscription_items.quantity * prices.unit_amount
        * case prices.recurring_interval
            when 'year' then 1.0 / 12
            when 'week' then 52.0 / 12
            when 'day' then 365.0 / 12
            else 1.0
        end
        / nullif(prices.recurring_interval_count, 0) as item_mrr
    from subscriptions
    inner join subscription_items
        on subscriptions.subscription_id = subscription_items.subscription_id
    inner join prices
        on subscription_items.price_id = prices.price_id
    where
        subscriptions.status in ('active', 'past_due', 'trialing')
        and subscriptions.ended_at is null
),

ranked_items as (
    select
        *,
        row_number() over (
            partition by customer_id order by item_mrr desc, price_nickname asc
        ) as mrr_rank
    from live_items
),

final as (
    select
        customer_id,
        max(case when mrr_rank = 1 then price_nickname end) as plan,
        sum(quantity) as seats,
        sum(item_mrr) as mrr,
        min(started_at) as live_subscription_started_at
    from ranked_items
    group by customer_id
)

select * from final
