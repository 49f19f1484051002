{#- Messages per ISO week (Monday start), team, category and channel. -#}
with

communications as (
    select * from {{ ref('fct_communications') }}
),

final as (
    select
        cast({{ dbt.date_trunc('week', 'sent_at') }} as date) as week_start,
        team,
        category,
        channel,
        cast(count(*) as integer) as message_count,
        cast(count(distinct contact_id) as integer) as contact_count
    from communications
    group by 1, 2, 3, 4
)

select * from final
