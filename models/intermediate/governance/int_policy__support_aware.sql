{#-
  Promotions while the account has a support problem (rule_type support_aware, account
  level: the tickets of m's account, int_core__messages.account_id; messages without an
  account are not checked).
  Message m violates rule r when r counts m (int_policy__counted_messages) and m's account had, at m.sent_at,
  (a) an open ticket of a priority in ticket_priorities: created_at <= m.sent_at and
      (solved_at is null or solved_at > m.sent_at) -- a ticket solved at the very instant
      of m is no longer open; or
  (b) a CSAT score <= csat_max_score rated within lookback_days before m: rated_at in
      [m.sent_at - lookback_days, m.sent_at], both ends inclusive.
  A rule without ticket_priorities skips (a); one without csat_max_score or lookback_days
  skips (b). One row per (message, rule); the window is the CSAT lookback
  [m.sent_at - lookback_days, m.sent_at]; the row lists m alone and the reason names every
  ticket that triggers it.
  Needs (message, ticket) pairs, which no window function over one table gives: an interval
  join bounded by account (equi-join) and time, after keeping only the tickets a rule can
  use (its priorities, its low scores). Complexity O(n + m_a x t_a summed over accounts):
  counted messages of an account times its relevant tickets -- small, since few tickets are
  urgent/high or badly rated.
-#}
with

counted_messages as (
    {{ policy_counted_messages() }}
),

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

rules as (
    select * from {{ ref('int_policy__rules') }}
    where rule_type = 'support_aware'
),

counted as (
    select *
    from counted_messages
    where rule_type = 'support_aware' and account_id is not null
),

urgent_tickets as (
    select
        rules.rule_id,
        tickets.account_id,
        tickets.ticket_id,
        tickets.priority,
        tickets.created_at,
        tickets.solved_at
    from tickets
    inner join rules
        on {{ list_contains('rules.ticket_priorities', 'tickets.priority') }}
    where tickets.account_id is not null
),

unhappy_tickets as (
    select
        rules.rule_id,
        tickets.account_id,
        tickets.ticket_id,
        tickets.satisfaction_score,
        tickets.rated_at
    from tickets
    inner join rules
        on tickets.satisfaction_score <= rules.csat_max_score
    where tickets.account_id is not null and tickets.rated_at is not null
),

open_ticket_hits as (
    select
        counted.rule_id,
        counted.message_id,
        'open' as hit_kind,
        '#' || urgent_tickets.ticket_id || ' (' || urgent_tickets.priority || ')' as hit_detail
    from counted
    inner join urgent_tickets
        on
            counted.rule_id = urgent_tickets.rule_id
            and counted.account_id = urgent_tickets.account_id
            and counted.sent_at >= urgent_tickets.created_at
            and (urgent_tickets.solved_at is null or counted.sent_at < urgent_tickets.solved_at)
),

csat_hits as (
    select
        counted.rule_id,
        counted.message_id,
        'csat' as hit_kind,
        '#' || unhappy_tickets.ticket_id
        || ' (score ' || cast(unhappy_tickets.satisfaction_score as {{ dbt.type_string() }}) || ')' as hit_detail
    from counted
    inner join unhappy_tickets
        on
            counted.rule_id = unhappy_tickets.rule_id
            and counted.account_id = unhappy_tickets.account_id
            and counted.sent_at >= unhappy_tickets.rated_at
            and {{ add_interval('day', '-1 * counted.lookback_days', 'counted.sent_at') }} <= unhappy_tickets.rated_at
),

hits as (
    select * from open_ticket_hits
    union all
    select * from csat_hits
),

hits_per_message as (
    select
        rule_id,
        message_id,
        {{ agg_distinct_list("case when hit_kind = 'open' then hit_detail end") }} as open_tickets,
        {{ agg_distinct_list("case when hit_kind = 'csat' then hit_detail end") }} as csat_tickets
    from hits
    group by rule_id, message_id
),

breaches as (
    select
        counted.*,
        hits_per_message.open_tickets,
        hits_per_message.csat_tickets,
        case
            when hits_per_message.open_tickets is not null
                then 'open ticket(s) ' || hits_per_message.open_tickets || ' at send time'
        end as open_part,
        case
            when hits_per_message.csat_tickets is not null
                then 'a CSAT score of ' || cast(rules.csat_max_score as {{ dbt.type_string() }})
                    || ' or less in the ' || cast(counted.lookback_days as {{ dbt.type_string() }})
                    || ' days before: ' || hits_per_message.csat_tickets
        end as csat_part
    from counted
    inner join hits_per_message
        on
            counted.rule_id = hits_per_message.rule_id
            and counted.message_id = hits_per_message.message_id
    inner join rules
        on counted.rule_id = rules.rule_id
),

final as (
    select
        {{ policy_violation_columns(
            window_start="coalesce(" ~ add_interval('day', '-1 * lookback_days', 'sent_at') ~ ", sent_at)",
            reason="category || ' message while the account had ' || coalesce(open_part, '')
                || case when open_part is not null and csat_part is not null then ' and ' else '' end
                || coalesce(csat_part, '')"
        ) }}
    from breaches
)

select * from final
