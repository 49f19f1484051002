{#-
  Support facts per account from int_support__tickets (live tickets placed on an account),
  as of the data's end: tickets opened in the last 90 days (created_at in
  (as_of - 90 days, as_of]), open tickets, and over the account's whole ticket history the
  median hours from creation to the first public agent reply and the CSAT average (Zendesk
  satisfaction score, 1-5) with its number of ratings.
-#}
with

as_of as (
    select * from {{ ref('int_core__data_end') }}
),

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

account_tickets as (
    select
        tickets.account_id,
        tickets.ticket_id,
        tickets.created_at,
        tickets.is_open,
        tickets.satisfaction_score,
        tickets.created_at > {{ add_interval('day', -90, 'as_of.as_of_at') }}
        and tickets.created_at <= as_of.as_of_at as is_last_90_days,
        case
            when tickets.first_reply_at >= tickets.created_at
                then (
                    {{ epoch_seconds('tickets.first_reply_at') }} - {{ epoch_seconds('tickets.created_at') }}
                ) / 3600.0
        end as first_reply_hours
    from tickets
    cross join as_of
    where tickets.account_id is not null
),

final as (
    select
        account_id,
        cast(count(*) as integer) as ticket_count,
        cast(sum(case when is_last_90_days then 1 else 0 end) as integer) as tickets_opened_last_90_days,
        cast(sum(case when is_open then 1 else 0 end) as integer) as open_ticket_count,
        max(created_at) as last_ticket_at,
        cast({{ median_value('first_reply_hours') }} as double) as median_first_reply_hours,
        cast(avg(satisfaction_score) as double) as csat_average,
        cast(count(satisfaction_score) as integer) as csat_count
    from account_tickets
    group by account_id
)

select * from final
