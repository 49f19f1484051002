{#-
  Current recurring revenue per Stripe customer at the data's end: the MRR of its revenue
  items (int_billing__subscription_items, the one definition of MRR and of a live,
  revenue-bearing subscription). The journey's daily state reads it for the data's last
  day, so it agrees with dim_accounts.
-#}
with

items as (
    select * from {{ ref('int_billing__subscription_items') }}
),

final as (
    select
        customer_id,
        coalesce(sum(item_mrr), 0) as mrr
    from items
    where is_revenue
    group by customer_id
)

select * from final
