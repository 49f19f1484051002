{#- The warehouse's "as of" (int_core__data_end, one row): the latest event time in the
    loaded exports. Every window and clock of the marts ends here; the app and the segment
    export use it as "today". -#}
with

data_end as (
    select * from {{ ref('int_core__data_end') }}
),

final as (
    select
        data_end_at,
        data_end_date
    from data_end
)

select * from final
