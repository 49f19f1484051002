{#-
  The data's end: the latest timestamp of an event seen in the loaded data, from every
  system: messages sent (every message with a time, placed or not), HubSpot email events
  (any type), Zendesk tickets (created, last updated: the solve time) and live ticket
  comments (replies), live CRM tasks (created, completed), Stripe invoices and charges
  (created) and subscriptions (created, started, canceled, ended). Every "as of" of the
  warehouse is this instant, never now(), so a rebuild of the same exports gives the same
  numbers: the account 360 (tenure, past-due, last 90 days), the engagement and
  messages-received windows, the service-level clocks and the last day of the daily
  journey history (data_end_date). Future-dated fields (due dates, task activity dates,
  current period ends, opportunity close dates) are deliberately not considered. Exports
  without a single event (header-only files) have their data end at 1970-01-01, so every
  "as of" is defined and every window is empty. One row.
-#}
with

messages as (
    select * from {{ ref('int_communications__messages') }}
),

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

tickets as (
    select * from {{ ref('stg_zendesk__tickets') }}
),

ticket_comments as (
    select * from {{ ref('stg_zendesk__ticket_comments') }}
),

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
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

event_times as (
    select max(sent_at) as event_at from messages
    union all
    select max(occurred_at) as event_at from email_events
    union all
    select max(created_at) as event_at from tickets
    union all
    select max(updated_at) as event_at from tickets
    union all
    select max(created_at) as event_at from ticket_comments
    where not is_deleted
    union all
    select max(created_at) as event_at from tasks
    where not is_deleted
    union all
    select max(completed_at) as event_at from tasks
    where not is_deleted
    union all
    select max(created_at) as event_at from invoices
    union all
    select max(created_at) as event_at from charges
    union all
    select max(created_at) as event_at from subscriptions
    union all
    select max(started_at) as event_at from subscriptions
    union all
    select max(canceled_at) as event_at from subscriptions
    union all
    select max(ended_at) as event_at from subscriptions
),

data_end as (
    select coalesce(max(event_at), cast('1970-01-01 00:00:00' as timestamp)) as data_end_at
    from event_times
),

final as (
    select
        data_end_at,
        cast(data_end_at as date) as data_end_date,
        data_end_at as as_of_at
    from data_end
)

select * from final
