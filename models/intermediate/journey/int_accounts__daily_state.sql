{#-
  The state of every account at the end of every day (one row per account and day of
  int_accounts__daily_spine), from all four systems: the per-domain daily models side by
  side, each with its definitions in its header.

  - billing (int_journey__daily_billing, Stripe): is_customer, first_subscription_date,
    has_been_customer, days_since_first_subscription, mrr, has_past_due_invoice,
    past_due_invoice_count, days_to_renewal, mrr_30_days_earlier;
  - support (int_journey__daily_support, Zendesk): open_urgent_ticket_count,
    open_high_ticket_count, low_csat_count_30d;
  - engagement (int_journey__daily_engagement, the events of int_engagement__events from
    HubSpot, Zendesk and the CRM): engagement_events_30d, engagement_baseline_90d,
    is_engagement_collapse.
-#}

with

spine as (
    select * from {{ ref('int_accounts__daily_spine') }}
),

daily_billing as (
    select * from {{ ref('int_journey__daily_billing') }}
),

daily_support as (
    select * from {{ ref('int_journey__daily_support') }}
),

daily_engagement as (
    select * from {{ ref('int_journey__daily_engagement') }}
),

final as (
    select
        spine.account_day_key,
        spine.account_id,
        spine.state_date,
        spine.day_number,
        spine.data_end_date,
        daily_billing.is_customer,
        daily_billing.first_subscription_date,
        daily_billing.has_been_customer,
        daily_billing.days_since_first_subscription,
        daily_billing.mrr,
        daily_billing.has_past_due_invoice,
        daily_billing.past_due_invoice_count,
        daily_support.open_urgent_ticket_count,
        daily_support.open_high_ticket_count,
        daily_support.low_csat_count_30d,
        daily_engagement.engagement_events_30d,
        daily_engagement.engagement_baseline_90d,
        daily_engagement.is_engagement_collapse,
        daily_billing.days_to_renewal,
        daily_billing.mrr_30_days_earlier
    from spine
    left join daily_billing
        on spine.account_day_key = daily_billing.account_day_key
    left join daily_support
        on spine.account_day_key = daily_support.account_day_key
    left join daily_engagement
        on spine.account_day_key = daily_engagement.account_day_key
)

select * from final
