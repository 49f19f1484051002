{#- Raw rows that did not load, each with its reason and the row itself (stg_raw__rejected_rows). -#}
with

set_aside as (
    select * from {{ ref('stg_raw__rejected_rows') }}
),

final as (
    select
        source_system,
        source_table,
        source_row_number,
        source_record_id,
        load_outcome,
        load_reason,
        load_detail,
        source_row
    from set_aside
)

select * from final
