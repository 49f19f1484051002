{#-
  The support state of every account at the end of every day (one row per row of
  int_accounts__daily_spine), from the live Zendesk tickets of int_support__tickets (the
  account of the ticket's organization, else the requester's). A ticket is +1 on the day
  it is created and -1 on the day it is solved, summed over the dense spine (macro
  journey_spine_deltas).

  - open_urgent_ticket_count / open_high_ticket_count: tickets of that priority created by
    the end of d and not solved by then.
  - low_csat_count_30d: CSAT scores <= 2 given in the 30 days ending on d.
-#}

with

spine as (
    select * from {{ ref('int_accounts__daily_spine') }}
),

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

-- deltas: one row per change of a measure on a day (long format)
deltas as (
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
),

spine_deltas as (
    {{ journey_spine_deltas('deltas', ['urgent_tickets', 'high_tickets', 'low_csat_scores']) }}
),

final as (
    select
        account_day_key,
        account_id,
        state_date,
        cast(sum(urgent_tickets) over account_history as integer) as open_urgent_ticket_count,
        cast(sum(high_tickets) over account_history as integer) as open_high_ticket_count,
        cast(sum(low_csat_scores) over (
            partition by account_id order by state_date rows between 29 preceding and current row
        ) as integer) as low_csat_count_30d
    from spine_deltas
    window account_history as (
        partition by account_id order by state_date rows between unbounded preceding and current row
    )
)

select * from final
