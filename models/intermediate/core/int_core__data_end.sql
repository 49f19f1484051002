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
{#- (import CTE, event time column, filter) of every event time that counts -#}
{%- set event_columns = [
    ('messages', 'sent_at', none),
    ('email_events', 'occurred_at', none),
    ('tickets', 'created_at', none),
    ('tickets', 'updated_at', none),
    ('ticket_comments', 'created_at', 'not is_deleted'),
    ('tasks', 'created_at', 'not is_deleted'),
    ('tasks', 'completed_at', 'not is_deleted'),
    ('invoices', 'created_at', none),
    ('charges', 'created_at', none),
    ('subscriptions', 'created_at', none),
    ('subscriptions', 'started_at', none),
    ('subscriptions', 'canceled_at', none),
    ('subscriptions', 'ended_at', none),
] %}

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
    {% for relation, column, condition in event_columns %}
        select max({{ column }}) as event_at
        from {{ relation }}
        where {{ condition or 'true' }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
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
