{#-
  The data's end: the latest event timestamp seen in the loaded data (messages, invoices,
  charges, subscription changes, tickets). Every "as of" figure of the account 360
  (tenure, past-due, last 90 days) is computed at this instant, never at now(), so a
  rebuild of the same exports gives the same numbers. Future-dated fields (due dates,
  current period ends, opportunity close dates) are deliberately not considered. Exports
  without a single event (header-only files) have their data end at 1970-01-01, so every
  "as of" is defined and every window is empty.
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
        coalesce(max(event_at), cast('1970-01-01 00:00:00' as timestamp)) as as_of_at,
        cast(coalesce(max(event_at), cast('1970-01-01 00:00:00' as timestamp)) as date) as as_of_date
    from event_times
)

select * from final
