{#-
  Every Stripe subscription with the one definition of its state at the data's end:
  - live: status active, past_due or trialing, and not ended as of the data's end;
  - revenue: live and active or past_due (a trial is not revenue yet).
  ended_at is the end, else the cancellation time.
-#}
with

as_of as (
    select * from {{ ref('int_core__data_end') }}
),

subscriptions as (
    select * from {{ ref('stg_stripe__subscriptions') }}
),

final as (
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.status,
        subscriptions.started_at,
        subscriptions.current_period_end_at,
        subscriptions.is_cancel_at_period_end,
        coalesce(subscriptions.ended_at, subscriptions.canceled_at) as ended_at,
        subscriptions.status in ('active', 'past_due', 'trialing')
        and (subscriptions.ended_at is null or subscriptions.ended_at > as_of.as_of_at) as is_live,
        subscriptions.status in ('active', 'past_due')
        and (subscriptions.ended_at is null or subscriptions.ended_at > as_of.as_of_at) as is_revenue
    from subscriptions
    cross join as_of
)

select * from final
