{#-
  One row per marketing send (a HubSpot SENT message of category promotional in
  fct_communications) with the contact's message history before it and what it led to.
  - messages_prior_7d / _30d: messages of any team, source and category to the same
    contact with sent_at in [sent_at - 7 (30) days, sent_at), i.e. strictly before the
    send: same-instant messages, the send itself included, are not counted. A RANGE frame
    over exact epoch microseconds ending 1 microsecond before the current row.
  - is_unsubscribed: a STATUSCHANGE event whose status change is UNSUBSCRIBED names this
    send as its cause (caused_by_id = the SENT event id).
  - is_opened: an OPEN event names this send (sent_by_id = the SENT event id).
  - is_after_contact_unsubscribe: the contact had already unsubscribed (an earlier send
    caused an unsubscribe event before this send): such a send can no longer cause one.
-#}
with

communications as (
    select * from {{ ref('int_core__messages') }}
),

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

status_changes as (
    select * from {{ ref('stg_hubspot__email_status_changes') }}
),

timed as (
    select
        message_id,
        source_system,
        source_record_id,
        contact_id,
        account_id,
        category,
        campaign_id,
        sent_at,
        {{ epoch_microseconds('sent_at') }} as sent_at_us
    from communications
),

history as (
    select
        timed.*,
        count(*) over (
            partition by timed.contact_id
            order by timed.sent_at_us
            range between {{ 7 * 86400 * 1000000 }} preceding and 1 preceding
        ) as messages_prior_7d,
        count(*) over (
            partition by timed.contact_id
            order by timed.sent_at_us
            range between {{ 30 * 86400 * 1000000 }} preceding and 1 preceding
        ) as messages_prior_30d
    from timed
),

unsubscribes as (
    select
        email_events.caused_by_event_id as email_event_id,
        min(email_events.occurred_at) as unsubscribed_at
    from email_events
    inner join status_changes
        on email_events.email_event_id = status_changes.email_event_id
    where
        email_events.event_type = 'STATUSCHANGE'
        and status_changes.subscription_status = 'UNSUBSCRIBED'
        and email_events.caused_by_event_id is not null
    group by email_events.caused_by_event_id
),

opens as (
    select
        sent_by_event_id as email_event_id,
        min(occurred_at) as first_opened_at
    from email_events
    where event_type = 'OPEN' and sent_by_event_id is not null
    group by sent_by_event_id
),

sends as (
    select
        history.message_id,
        history.source_record_id as email_event_id,
        history.contact_id,
        history.account_id,
        history.campaign_id,
        history.sent_at,
        history.messages_prior_7d,
        history.messages_prior_30d,
        opens.first_opened_at,
        unsubscribes.unsubscribed_at
    from history
    left join opens
        on history.source_record_id = opens.email_event_id
    left join unsubscribes
        on history.source_record_id = unsubscribes.email_event_id
    where history.source_system = 'hubspot' and history.category = 'promotional'
),

with_contact_state as (
    select
        sends.*,
        min(sends.unsubscribed_at) over (partition by sends.contact_id) as contact_first_unsubscribed_at
    from sends
),

final as (
    select
        message_id,
        email_event_id,
        contact_id,
        account_id,
        campaign_id,
        sent_at,
        cast(messages_prior_7d as integer) as messages_prior_7d,
        cast(messages_prior_30d as integer) as messages_prior_30d,
        first_opened_at is not null as is_opened,
        first_opened_at,
        unsubscribed_at is not null as is_unsubscribed,
        unsubscribed_at,
        coalesce(sent_at > contact_first_unsubscribed_at, false) as is_after_contact_unsubscribe
    from with_contact_state
)

select * from final
