{#-
  The data's end: the latest event timestamp seen in the loaded data (messages, invoices,
  charges, subscription changes, tickets). Every "as of" figure of the account 360
  (tenure, past-due, last 90 days) is computed at this instant, never at now(), so a
  rebuild of the same exports gives the same numbers. Future-dated fields (due dates,
  current period ends, opportunity close dates) are deliberately not considered.
-#}
with

messages as (
    select * from {{ ref('int_communications__messages') }}
),

invoices as (
    select * from {{ ref('stg_stripe__invoices') }}
),

charges as (
    select * from {{ ref('stg_stripe__charges') }}
),

subscriptions as (
    select * from {{ ref('stg_stripe__subscriptions') }}
),

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

event_times as (
    select max(sent_at) as event_at from messages
    union all
    select max(created_at) as event_at from invoices
    union all
    select max(created_at) as event_at from charges
    union all
    select max(created_at) as event_at from subscriptions
    union all
    select max(canceled_at) as event_at from subscriptions
    union all
    select max(ended_at) as event_at from subscriptions
    union all
    select max(created_at) as event_at from tickets
    union all
    select max(updated_at) as event_at from tickets
),

final as (
    select
        max(event_at) as as_of_at,
        cast(max(event_at) as date) as as_of_date
    from event_times
)

select * from final
