{#- The service-level "as of": the latest timestamp in the support and CRM task data
    (ticket created, first reply, solved; live task created, completed), never now(); a
    company without support or CRM task data falls back to the account 360's data end. -#}
with

tickets as (
    select * from {{ ref('int_support__tickets') }}
),

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

accounts_as_of as (
    select * from {{ ref('int_accounts__as_of') }}
),

final as (
    select coalesce(max(latest_times.latest_at), max(accounts_as_of.as_of_at)) as data_end_at
    from (
        select max(created_at) as latest_at from tickets
        union all
        select max(first_reply_at) as latest_at from tickets
        union all
        select max(solved_at) as latest_at from tickets
        union all
        select max(created_at) as latest_at from tasks
        where not is_deleted
        union all
        select max(completed_at) as latest_at from tasks
        where not is_deleted
    ) as latest_times
    cross join accounts_as_of
)

select * from final
