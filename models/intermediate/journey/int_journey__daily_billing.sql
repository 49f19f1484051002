{#-
  The billing state of every account at the end of every day (one row per row of
  int_accounts__daily_spine), from Stripe. Every "at the end of day d" test is "at instant
  d + 1 day 00:00 UTC". Intervals are turned into +1/-1 deltas on their first and end day
  and summed over the dense spine (macro journey_spine_deltas, a running sum per account),
  so no range join is needed.

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
        cast({{ add_interval('month', '12 * renewal_numbers.n', 'annual_subscriptions.start_date') }} as date)
            as renewal_date,
        annual_subscriptions.end_date
    from annual_subscriptions
    inner join renewal_numbers
        on renewal_numbers.n >= 1
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
),

spine_deltas as (
    {{ journey_spine_deltas('deltas', ['live_subscriptions', 'invoiced_mrr', 'past_due_invoices']) }}
),

running as (
    select
        account_day_key,
        account_id,
        state_date,
        day_number,
        sum(live_subscriptions) over account_history as live_subscription_count,
        round(sum(invoiced_mrr) over account_history, 2) as invoiced_mrr,
        sum(past_due_invoices) over account_history as past_due_invoice_count
    from spine_deltas
    window account_history as (
        partition by account_id order by state_date rows between unbounded preceding and current row
    )
),

-- the last invoiced MRR on or before each day (one more pass in the same order)
carried as (
    select
        *,
        {{ last_value_ignoring_nulls('case when invoiced_mrr > 0 then invoiced_mrr end') }} over (
            partition by account_id order by state_date rows between unbounded preceding and current row
        ) as last_invoiced_mrr
    from running
),

upcoming_renewals as (
    select
        spine.account_day_key,
        min({{ dbt.datediff('spine.state_date', 'renewals.renewal_date', 'day') }}) as days_to_renewal
    from spine
    inner join renewals
        on
            spine.account_id = renewals.account_id
            and spine.state_date < renewals.renewal_date
            and cast({{ add_interval('day', 90, 'spine.state_date') }} as date) >= renewals.renewal_date
            and (renewals.end_date is null or spine.state_date < renewals.end_date)
    group by spine.account_day_key
),

with_mrr as (
    select
        carried.account_day_key,
        carried.account_id,
        carried.state_date,
        carried.day_number,
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
        upcoming_renewals.days_to_renewal
    from carried
    left join first_subscriptions
        on carried.account_id = first_subscriptions.account_id
    left join first_invoiced_mrr
        on carried.account_id = first_invoiced_mrr.account_id
    left join current_items_mrr
        on carried.account_id = current_items_mrr.account_id
    left join upcoming_renewals
        on carried.account_day_key = upcoming_renewals.account_day_key
),

-- the spine is dense, so the day 30 days earlier is 30 rows before: account_day_key - 30
-- from day 30 of the account's history on (an equi-join on one integer, not a third sort
-- of every account-day)
final as (
    select
        with_mrr.account_day_key,
        with_mrr.account_id,
        with_mrr.state_date,
        with_mrr.is_customer,
        with_mrr.first_subscription_date,
        with_mrr.has_been_customer,
        with_mrr.days_since_first_subscription,
        with_mrr.mrr,
        with_mrr.has_past_due_invoice,
        with_mrr.past_due_invoice_count,
        with_mrr.days_to_renewal,
        earlier.mrr as mrr_30_days_earlier
    from with_mrr
    left join with_mrr as earlier
        on earlier.account_day_key = with_mrr.account_day_key - 30 and with_mrr.day_number >= 30
)

select * from final
