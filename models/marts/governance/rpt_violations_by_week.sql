{#- Cadence violations per ISO week (Monday start), rule and team of the violating message. -#}
with

violations as (
    select * from {{ ref('fct_cadence_violations') }}
),

final as (
    select
        cast({{ dbt.date_trunc('week', 'sent_at') }} as date) as week_start,
        rule_id,
        team,
        cast(count(*) as integer) as violation_count,
        cast(count(distinct contact_id) as integer) as contact_count
    from violations
    group by 1, 2, 3
)

select * from final
