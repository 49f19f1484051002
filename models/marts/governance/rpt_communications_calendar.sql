{#-
  The cross-team calendar: every message sent (fct_communications, kind 'sent') and every
  planned send (stg_planned__sends, kind 'planned'), counted per period -- a UTC day
  (period 'day') or an ISO week starting Monday (period 'week') -- team, category and
  channel. Planned rows are placed on a contact by contact_id, else by their normalised
  email when it belongs to exactly one contact; rows with an unreadable planned_at have no
  place on the calendar (the pre-send check reports them).
-#}
with

communications as (
    select * from {{ ref('fct_communications') }}
),

planned_sends as (
    select * from {{ ref('stg_planned__sends') }}
),

contacts as (
    select * from {{ ref('dim_contacts') }}
),

contact_emails as (
    select * from {{ ref('int_identity__contact_emails') }}
),

sent as (
    select
        'sent' as kind,
        sent_at as occurred_at,
        team,
        category,
        channel,
        message_id,
        contact_id,
        account_id
    from communications
    where sent_at is not null
),

planned as (
    select
        'planned' as kind,
        planned_sends.planned_at as occurred_at,
        planned_sends.team,
        planned_sends.category,
        planned_sends.channel,
        planned_sends.planned_message_id as message_id,
        contacts.contact_id,
        contacts.account_id
    from planned_sends
    left join contact_emails
        on planned_sends.email = contact_emails.email and contact_emails.contact_count = 1
    left join contacts
        on coalesce(planned_sends.contact_id, contact_emails.contact_id) = contacts.contact_id
    where planned_sends.planned_at is not null
),

messages as (
    select * from sent
    union all
    select * from planned
),

by_day as (
    select
        'day' as period,
        cast({{ dbt.date_trunc('day', 'occurred_at') }} as date) as period_start,
        kind,
        team,
        category,
        channel,
        count(*) as message_count,
        count(distinct contact_id) as contact_count,
        count(distinct account_id) as account_count
    from messages
    group by 2, 3, 4, 5, 6
),

by_week as (
    select
        'week' as period,
        cast({{ dbt.date_trunc('week', 'occurred_at') }} as date) as period_start,
        kind,
        team,
        category,
        channel,
        count(*) as message_count,
        count(distinct contact_id) as contact_count,
        count(distinct account_id) as account_count
    from messages
    group by 2, 3, 4, 5, 6
),

unioned as (
    select * from by_day
    union all
    select * from by_week
),

final as (
    select
        cast(period as {{ dbt.type_string() }}) as period,
        period_start,
        cast({{ dbt.date_trunc('week', 'period_start') }} as date) as week_start,
        cast(kind as {{ dbt.type_string() }}) as kind,
        team,
        category,
        channel,
        cast(message_count as integer) as message_count,
        cast(contact_count as integer) as contact_count,
        cast(account_count as integer) as account_count
    from unioned
)

select * from final
