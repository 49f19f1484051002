{#-
  The state of every account at the end of every day (one row per account and day of
  int_accounts__daily_spine), from all four systems. Every "at the end of day d" test is
  "at instant d + 1 day 00:00 UTC". Intervals are turned into +1/-1 deltas on their first
  and end day and summed over the dense spine (a running sum per account), so no range
  join is needed.

  - is_customer: a subscription started on or before d and not ended by the end of d
    (ended_at, else canceled_at for a canceled subscription without an end).
  - mrr: billed monthly recurring revenue. subscription_item holds only the latest version
    of each item, so history comes from invoices: each non-draft, non-void invoice covers
    [period_start, period_end) with amount_due / months in the period. Days of a live
    subscription not covered by an invoice (before the exports start, gaps) carry the
    last invoiced MRR forward, else the first invoiced MRR back, else today's MRR from the
    subscription items (int_billing__customer_mrr). 0 when not a customer.
  - has_past_due_invoice: an invoice whose due date (open / uncollectible invoices without
    one: their creation) is on or before d and that was not paid by the end of d: status
    open or uncollectible, or paid later than d (paid time = the first succeeded charge of
    the invoice; a paid invoice without a charge counts as paid on time). Void and draft
    invoices never count.
  - open_urgent_ticket_count / open_high_ticket_count: tickets of that priority created by
    the end of d and not solved by then (int_support__tickets).
  - low_csat_count_30d: CSAT scores <= 2 given in the 30 days ending on d.
  - engagement: events by the customer's people (HubSpot OPEN and CLICK events, tickets
    raised, completed CRM meetings). engagement_events_30d = the 30 days ending on d;
    engagement_baseline_90d = the 90 days before those (d-119 .. d-30).
    is_engagement_collapse: baseline of at least 9 events (3 per 30 days) and the last 30
    days at most a quarter of the baseline's 30-day average.
  - days_to_renewal: days until the next anniversary of the start of a live annual
    subscription (renewals within 90 days only; null otherwise).
  - mrr_30_days_earlier: mrr 30 days before (null in the first 30 days of history).
-#}

with

spine as (
    select * from {{ ref('int_accounts__daily_spine') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

subscriptions as (
    select * from {{ ref('stg_stripe__subscriptions') }}
),

subscription_items as (
    select * from {{ ref('stg_stripe__subscription_items') }}
),

prices as (
    select * from {{ ref('stg_stripe__prices') }}
),

invoices as (
    select * from {{ ref('stg_stripe__invoices') }}
),

charges as (
    select * from {{ ref('stg_stripe__charges') }}
),

customer_mrr as (
    select * from {{ ref('int_billing__customer_mrr') }}
),

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

communications as (
    select * from {{ ref('int_core__messages') }}
),

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

stripe_accounts as (
    select
        account_id,
        substr(record_key, {{ ('stripe:customer:' | length) + 1 }}) as customer_id
    from account_clusters
    where record_key like 'stripe:customer:%'
),

account_subscriptions as (
    select
        stripe_accounts.account_id,
        subscriptions.subscription_id,
        cast(subscriptions.started_at as date) as start_date,
        cast(coalesce(
            subscriptions.ended_at,
            case when subscriptions.status = 'canceled' then subscriptions.canceled_at end
        ) as date) as end_date
    from subscriptions
    inner join stripe_accounts
        on subscriptions.customer_id = stripe_accounts.customer_id
    where subscriptions.started_at is not null
),

first_subscriptions as (
    select
        account_id,
        min(start_date) as first_subscription_date
    from account_subscriptions
    group by account_id
),

invoice_payments as (
    select
        invoice_id,
        min(created_at) as paid_at
    from charges
    where status = 'succeeded' and invoice_id is not null
    group by invoice_id
),

account_invoices as (
    select
        stripe_accounts.account_id,
        invoices.invoice_id,
        invoices.status,
        invoices.amount_due,
        cast(invoices.period_start_at as date) as period_start_date,
        cast(invoices.period_end_at as date) as period_end_date,
        cast(
            case
                when invoices.status in ('open', 'uncollectible')
                    then coalesce(invoices.due_at, invoices.created_at)
                else invoices.due_at
            end as date
        ) as due_date,
        cast(invoice_payments.paid_at as date) as paid_date,
        greatest(
            round(
                {{ dbt.datediff('invoices.period_start_at', 'invoices.period_end_at', 'day') }}
                / 30.4375
            ),
            1
        ) as period_months
    from invoices
    inner join stripe_accounts
        on invoices.customer_id = stripe_accounts.customer_id
    left join invoice_payments
        on invoices.invoice_id = invoice_payments.invoice_id
    where
        not invoices.is_deleted
        and invoices.status not in ('draft', 'void')
),

first_invoiced_mrr as (
    select
        account_id,
        sum(amount_due / period_months) as first_mrr
    from (
        select
            account_id,
            amount_due,
            period_months,
            rank() over (partition by account_id order by period_start_date) as period_rank
        from account_invoices
        where period_start_date is not null and period_end_date > period_start_date
    ) as ranked_invoices
    where period_rank = 1
    group by account_id
),

current_items_mrr as (
    select
        stripe_accounts.account_id,
        sum(customer_mrr.mrr) as current_mrr
    from customer_mrr
    inner join stripe_accounts
        on customer_mrr.customer_id = stripe_accounts.customer_id
    group by stripe_accounts.account_id
),

annual_subscriptions as (
    select distinct
        account_subscriptions.account_id,
        account_subscriptions.subscription_id,
        account_subscriptions.start_date,
        account_subscriptions.end_date
    from account_subscriptions
    inner join subscription_items
        on account_subscriptions.subscription_id = subscription_items.subscription_id
    inner join prices
        on subscription_items.price_id = prices.price_id
    where prices.recurring_interval = 'year'
),

renewal_numbers as (
    {{ integer_series(30) }}
),

renewals as (
    select
        annual_subscriptions.account_id,
        cast({{ dbt.dateadd('month', '12 * renewal_numbers.n', 'annual_subscriptions.start_date') }} as date)
            as renewal_date,
        annual_subscriptions.end_date
    from annual_subscriptions
    inner join renewal_numbers
        on renewal_numbers.n >= 1
),

engagement_events as (
    select
        communications.account_id,
        cast(email_events.occurred_at as date) as event_date
    from email_events
    inner join communications
        on 'hubspot:' || email_events.sent_by_event_id = communications.message_id
    where email_events.event_type in ('OPEN', 'CLICK') and communications.account_id is not null
    union all
    select
        account_id,
        cast(created_at as date) as event_date
    from tickets
    where account_id is not null
    union all
    select
        account_clusters.account_id,
        coalesce(tasks.activity_date, cast(tasks.created_at as date)) as event_date
    from tasks
    inner join account_clusters
        on 'salesforce:account:' || tasks.account_id = account_clusters.record_key
    where tasks.task_type = 'Meeting' and tasks.status = 'Completed' and not tasks.is_deleted
),

-- deltas: one row per change of a measure on a day (long format)
deltas as (
    select
        account_id,
        start_date as delta_date,
        'live_subscriptions' as measure,
        1 as delta
    from account_subscriptions
    union all
    select
        account_id,
        end_date as delta_date,
        'live_subscriptions' as measure,
        -1 as delta
    from account_subscriptions
    where end_date is not null
    union all
    select
        account_id,
        period_start_date as delta_date,
        'invoiced_mrr' as measure,
        amount_due / period_months as delta
    from account_invoices
    where period_start_date is not null and period_end_date > period_start_date
    union all
    select
        account_id,
        period_end_date as delta_date,
        'invoiced_mrr' as measure,
        -amount_due / period_months as delta
    from account_invoices
    where period_start_date is not null and period_end_date > period_start_date
    union all
    select
        account_id,
        due_date as delta_date,
        'past_due_invoices' as measure,
        1 as delta
    from account_invoices
    where
        due_date is not null
        and (status in ('open', 'uncollectible') or paid_date > due_date)
    union all
    select
        account_id,
        paid_date as delta_date,
        'past_due_invoices' as measure,
        -1 as delta
    from account_invoices
    where
        due_date is not null
        and status not in ('open', 'uncollectible')
        and paid_date > due_date
    union all
    select
        account_id,
        cast(created_at as date) as delta_date,
        priority || '_tickets' as measure,
        1 as delta
    from tickets
    where account_id is not null and priority in ('urgent', 'high')
    union all
    select
        account_id,
        cast(solved_at as date) as delta_date,
        priority || '_tickets' as measure,
        -1 as delta
    from tickets
    where
        account_id is not null
        and priority in ('urgent', 'high')
        and solved_at is not null
    union all
    select
        account_id,
        cast(rated_at as date) as delta_date,
        'low_csat_scores' as measure,
        1 as delta
    from tickets
    where account_id is not null and satisfaction_score <= 2 and rated_at is not null
    union all
    select
        account_id,
        event_date as delta_date,
        'engagement_events' as measure,
        1 as delta
    from engagement_events
),

-- deltas dated before an account's spine starts (history cap) land on its first day
account_starts as (
    select
        account_id,
        state_date as first_state_date
    from spine
    where day_number = 0
),

daily_deltas as (
    select
        deltas.account_id,
        case
            when deltas.delta_date < account_starts.first_state_date then account_starts.first_state_date
            else deltas.delta_date
        end as delta_date,
        sum(case when deltas.measure = 'live_subscriptions' then deltas.delta else 0 end) as live_subscriptions,
        sum(case when deltas.measure = 'invoiced_mrr' then deltas.delta else 0 end) as invoiced_mrr,
        sum(case when deltas.measure = 'past_due_invoices' then deltas.delta else 0 end) as past_due_invoices,
        sum(case when deltas.measure = 'urgent_tickets' then deltas.delta else 0 end) as urgent_tickets,
        sum(case when deltas.measure = 'high_tickets' then deltas.delta else 0 end) as high_tickets,
        sum(case when deltas.measure = 'low_csat_scores' then deltas.delta else 0 end) as low_csat_scores,
        sum(case when deltas.measure = 'engagement_events' then deltas.delta else 0 end) as engagement_events
    from deltas
    inner join account_starts
        on deltas.account_id = account_starts.account_id
    where deltas.delta_date is not null
    group by
        deltas.account_id,
        case
            when deltas.delta_date < account_starts.first_state_date then account_starts.first_state_date
            else deltas.delta_date
        end
),

spine_deltas as (
    select
        spine.account_id,
        spine.state_date,
        spine.day_number,
        spine.data_end_date,
        coalesce(daily_deltas.live_subscriptions, 0) as live_subscriptions,
        coalesce(daily_deltas.invoiced_mrr, 0) as invoiced_mrr,
        coalesce(daily_deltas.past_due_invoices, 0) as past_due_invoices,
        coalesce(daily_deltas.urgent_tickets, 0) as urgent_tickets,
        coalesce(daily_deltas.high_tickets, 0) as high_tickets,
        coalesce(daily_deltas.low_csat_scores, 0) as low_csat_scores,
        coalesce(daily_deltas.engagement_events, 0) as engagement_events
    from spine
    left join daily_deltas
        on spine.account_id = daily_deltas.account_id and spine.state_date = daily_deltas.delta_date
),

running as (
    select
        account_id,
        state_date,
        day_number,
        data_end_date,
        sum(live_subscriptions) over account_history as live_subscription_count,
        round(sum(invoiced_mrr) over account_history, 2) as invoiced_mrr,
        sum(past_due_invoices) over account_history as past_due_invoice_count,
        sum(urgent_tickets) over account_history as open_urgent_ticket_count,
        sum(high_tickets) over account_history as open_high_ticket_count,
        sum(low_csat_scores) over (
            partition by account_id order by state_date rows between 29 preceding and current row
        ) as low_csat_count_30d,
        sum(engagement_events) over (
            partition by account_id order by state_date rows between 29 preceding and current row
        ) as engagement_events_30d,
        coalesce(sum(engagement_events) over (
            partition by account_id order by state_date rows between 119 preceding and 30 preceding
        ), 0) as engagement_baseline_90d
    from spine_deltas
    window account_history as (
        partition by account_id order by state_date rows between unbounded preceding and current row
    )
),

invoiced_groups as (
    select
        *,
        count(case when invoiced_mrr > 0 then 1 end) over (
            partition by account_id order by state_date rows between unbounded preceding and current row
        ) as invoiced_group
    from running
),

carried as (
    select
        *,
        max(case when invoiced_mrr > 0 then invoiced_mrr end) over (
            partition by account_id, invoiced_group
        ) as last_invoiced_mrr
    from invoiced_groups
),

upcoming_renewals as (
    select
        spine.account_id,
        spine.state_date,
        min({{ dbt.datediff('spine.state_date', 'renewals.renewal_date', 'day') }}) as days_to_renewal
    from spine
    inner join renewals
        on
            spine.account_id = renewals.account_id
            and spine.state_date < renewals.renewal_date
            and cast({{ dbt.dateadd('day', 90, 'spine.state_date') }} as date) >= renewals.renewal_date
            and (renewals.end_date is null or spine.state_date < renewals.end_date)
    group by spine.account_id, spine.state_date
),

with_mrr as (
    select
        carried.account_id,
        carried.state_date,
        carried.day_number,
        carried.data_end_date,
        carried.live_subscription_count > 0 as is_customer,
        first_subscriptions.first_subscription_date,
        coalesce(first_subscriptions.first_subscription_date <= carried.state_date, false)
            as has_been_customer,
        case
            when first_subscriptions.first_subscription_date <= carried.state_date
                then {{ dbt.datediff('first_subscriptions.first_subscription_date', 'carried.state_date', 'day') }}
        end as days_since_first_subscription,
        cast(
            case
                when carried.live_subscription_count <= 0 then 0
                when carried.invoiced_mrr > 0 then carried.invoiced_mrr
                else coalesce(
                        carried.last_invoiced_mrr,
                        first_invoiced_mrr.first_mrr,
                        current_items_mrr.current_mrr,
                        0
                    )
            end as decimal(18, 2)
        ) as mrr,
        carried.past_due_invoice_count > 0 as has_past_due_invoice,
        cast(carried.past_due_invoice_count as integer) as past_due_invoice_count,
        cast(carried.open_urgent_ticket_count as integer) as open_urgent_ticket_count,
        cast(carried.open_high_ticket_count as integer) as open_high_ticket_count,
        cast(carried.low_csat_count_30d as integer) as low_csat_count_30d,
        cast(carried.engagement_events_30d as integer) as engagement_events_30d,
        cast(carried.engagement_baseline_90d as integer) as engagement_baseline_90d,
        carried.engagement_baseline_90d >= 9
        and carried.engagement_events_30d * 4 <= carried.engagement_baseline_90d / 3.0
            as is_engagement_collapse,
        upcoming_renewals.days_to_renewal
    from carried
    left join first_subscriptions
        on carried.account_id = first_subscriptions.account_id
    left join first_invoiced_mrr
        on carried.account_id = first_invoiced_mrr.account_id
    left join current_items_mrr
        on carried.account_id = current_items_mrr.account_id
    left join upcoming_renewals
        on carried.account_id = upcoming_renewals.account_id and carried.state_date = upcoming_renewals.state_date
),

final as (
    select
        *,
        lag(mrr, 30) over (partition by account_id order by state_date) as mrr_30_days_earlier
    from with_mrr
)

select * from final
