{#-
  Current recurring revenue per Stripe customer at the data's end: the MRR of its revenue
  items (int_billing__subscription_items, the one definition of MRR and of a live,
  revenue-bearing subscription), the seats of its live items, and its plan (the live item
  bringing the most MRR, paying items first). The journey's daily state reads it for the
  data's last day, so it agrees with dim_accounts.
-#}
with

items as (
    select * from {{ ref('int_billing__subscription_items') }}
    where is_live
),

ranked_items as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by
                case when is_revenue then 0 else 1 end,
                item_mrr desc nulls last,
                plan asc,
                subscription_item_id asc
        ) as item_rank
    from items
),

final as (
    select
        customer_id,
        max(case when item_rank = 1 then plan end) as plan,
        sum(quantity) as seats,
        sum(case when is_revenue then item_mrr else 0 end) as mrr,
        min(started_at) as live_subscription_started_at
    from ranked_items
    group by customer_id
)

select * from final
