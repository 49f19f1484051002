{#-
  Billing facts per account, from Stripe (billing owns revenue): every Stripe customer of
  the account cluster (deleted customers too: their payments were real) contributes.

  - live and revenue-bearing subscriptions (int_billing__subscriptions) and item MRR
    (int_billing__subscription_items) have one definition each, shared with the journey.
  - plan = product tier of the live item bringing the most MRR (paying items first) (price nickname without its
    interval: 'Growth monthly' -> 'growth'), billing_interval its price's interval;
    last_plan = the same for the most recently started subscription, live or not (a
    churned account keeps its last plan there; plan is null).
  - churned: the account had subscriptions and none is live; churned_at = the latest
    ended_at (else canceled_at).
  - lifetime_revenue_paid = succeeded charges minus their refunds (money received, net).
  - past_due: invoices with status open and due_at before the data's end.
-#}
with

as_of as (
    select * from {{ ref('int_core__data_end') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

subscriptions as (
    select * from {{ ref('int_billing__subscriptions') }}
),

subscription_items as (
    select * from {{ ref('int_billing__subscription_items') }}
),

invoices as (
    select * from {{ ref('stg_stripe__invoices') }}
),

charges as (
    select * from {{ ref('stg_stripe__charges') }}
),

customer_accounts as (
    select
        account_clusters.account_id,
        substr(account_clusters.record_key, length('stripe:customer:') + 1) as customer_id
    from account_clusters
    where account_clusters.record_key like 'stripe:customer:%'
),

account_subscriptions as (
    select
        customer_accounts.account_id,
        subscriptions.*
    from subscriptions
    inner join customer_accounts
        on subscriptions.customer_id = customer_accounts.customer_id
),

items as (
    select
        customer_accounts.account_id,
        subscription_items.*
    from subscription_items
    inner join customer_accounts
        on subscription_items.customer_id = customer_accounts.customer_id
),

ranked_live_items as (
    select
        account_id,
        plan,
        billing_interval,
        row_number() over (
            partition by account_id
            order by
                case when is_revenue then 0 else 1 end,
                item_mrr desc nulls last,
                plan asc,
                subscription_item_id asc
        ) as item_rank
    from items
    where is_live
),

ranked_latest_items as (
    select
        account_id,
        plan,
        row_number() over (
            partition by account_id
            order by started_at desc nulls last, item_mrr desc nulls last, subscription_item_id asc
        ) as item_rank
    from items
),

item_totals as (
    select
        account_id,
        sum(case when is_revenue then item_mrr else 0 end) as mrr,
        sum(case when is_live then quantity else 0 end) as seats,
        {{ agg_distinct_list("case when is_live then plan end") }} as products
    from items
    group by account_id
),

subscription_totals as (
    select
        account_id,
        count(*) as subscription_count,
        sum(case when is_live then 1 else 0 end) as live_subscription_count,
        min(started_at) as first_subscription_at,
        max(started_at) as last_subscription_at,
        max(ended_at) as last_ended_at,
        min(
            case when is_live and not is_cancel_at_period_end then current_period_end_at end
        ) as next_renewal_at,
        max(case when is_live and is_cancel_at_period_end then 1 else 0 end) = 1
            as has_scheduled_cancellation
    from account_subscriptions
    group by account_id
),

payments as (
    select
        customer_accounts.account_id,
        sum(charges.amount - coalesce(charges.amount_refunded, 0)) as lifetime_revenue_paid
    from charges
    inner join customer_accounts
        on charges.customer_id = customer_accounts.customer_id
    where charges.status = 'succeeded'
    group by customer_accounts.account_id
),

past_due as (
    select
        customer_accounts.account_id,
        count(*) as past_due_invoice_count,
        sum(coalesce(invoices.amount_remaining, invoices.amount_due - invoices.amount_paid))
            as past_due_balance
    from invoices
    inner join customer_accounts
        on invoices.customer_id = customer_accounts.customer_id
    cross join as_of
    where
        invoices.status = 'open'
        and not invoices.is_deleted
        and invoices.due_at < as_of.as_of_at
    group by customer_accounts.account_id
),

billed_accounts as (
    select account_id from account_subscriptions
    union
    select account_id from payments
    union
    select account_id from past_due
),

joined as (
    select
        billed_accounts.account_id,
        live_item.plan,
        live_item.billing_interval,
        latest_item.plan as last_plan,
        item_totals.products,
        cast(coalesce(item_totals.seats, 0) as integer) as seats,
        cast(coalesce(item_totals.mrr, 0) as decimal(18, 2)) as mrr,
        cast(12 * coalesce(item_totals.mrr, 0) as decimal(18, 2)) as arr,
        cast(coalesce(subscription_totals.subscription_count, 0) as integer) as subscription_count,
        cast(coalesce(subscription_totals.live_subscription_count, 0) as integer)
            as live_subscription_count,
        subscription_totals.first_subscription_at,
        subscription_totals.last_subscription_at,
        coalesce(subscription_totals.live_subscription_count, 0) = 0
        and coalesce(subscription_totals.subscription_count, 0) > 0 as is_churned,
        case
            when
                coalesce(subscription_totals.live_subscription_count, 0) = 0
                and coalesce(subscription_totals.subscription_count, 0) > 0
                then subscription_totals.last_ended_at
        end as churned_at,
        subscription_totals.next_renewal_at,
        coalesce(subscription_totals.has_scheduled_cancellation, false) as has_scheduled_cancellation,
        cast(coalesce(payments.lifetime_revenue_paid, 0) as decimal(18, 2)) as lifetime_revenue_paid,
        cast(coalesce(past_due.past_due_balance, 0) as decimal(18, 2)) as past_due_balance,
        cast(coalesce(past_due.past_due_invoice_count, 0) as integer) as past_due_invoice_count,
        coalesce(past_due.past_due_invoice_count, 0) > 0 as has_past_due_invoice,
        as_of.as_of_at
    from billed_accounts
    cross join as_of
    left join ranked_live_items as live_item
        on billed_accounts.account_id = live_item.account_id and live_item.item_rank = 1
    left join ranked_latest_items as latest_item
        on billed_accounts.account_id = latest_item.account_id and latest_item.item_rank = 1
    left join item_totals
        on billed_accounts.account_id = item_totals.account_id
    left join subscription_totals
        on billed_accounts.account_id = subscription_totals.account_id
    left join payments
        on billed_accounts.account_id = payments.account_id
    left join past_due
        on billed_accounts.account_id = past_due.account_id
),

final as (
    select
        *,
        {{ dbt.datediff('first_subscription_at', 'coalesce(churned_at, as_of_at)', 'day') }}
            as tenure_days
    from joined
)

select * from final
