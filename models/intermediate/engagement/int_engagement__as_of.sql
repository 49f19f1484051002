{#-
  The "as of" instant of every activity window (engagement, messages received): the
  latest timestamp seen in the data (messages and engagement events), never now(), so a
  rebuild of the same exports gives the same numbers; without any message or engagement
  event, the account 360's data end. One row.
-#}
with

messages as (
    select * from {{ ref('int_communications__messages') }}
),

events as (
    select * from {{ ref('int_engagement__events') }}
),

accounts_as_of as (
    select * from {{ ref('int_accounts__as_of') }}
),

latest as (
    select max(sent_at) as latest_at
    from messages
    where quarantine_reason is null
    union all
    select max(occurred_at) as latest_at
    from events
),

final as (
    select coalesce(max(latest.latest_at), max(accounts_as_of.as_of_at)) as as_of_at
    from latest
    cross join accounts_as_of
)

select * from final
