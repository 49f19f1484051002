-- Who got the most messages in the 30 days before the latest message, and from how many
-- teams: a starting point when a leader asks "who are we over-mailing right now?".
-- Compile with `dbt compile --select most_contacted_contacts_last_30_days`, run the SQL.
with

communications as (
    select * from {{ ref('fct_communications') }}
),

contacts as (
    select * from {{ ref('dim_contacts') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

latest as (
    select max(sent_at) as latest_sent_at
    from communications
),

recent as (
    select communications.*
    from communications
    cross join latest
    where communications.sent_at > {{ dbt.dateadd('day', -30, 'latest.latest_sent_at') }}
),

final as (
    select
        contacts.email,
        accounts.account_name,
        count(*) as messages,
        count(distinct recent.team) as teams,
        sum(case when recent.category in ('support', 'transactional') then 0 else 1 end)
            as non_exempt_messages
    from recent
    inner join contacts
        on recent.contact_id = contacts.contact_id
    left join accounts
        on recent.account_id = accounts.account_id
    group by contacts.email, accounts.account_name
    order by messages desc
    limit 50
)

select * from final
