{#-
  Every raw row that was rejected (with the reason) or excluded by design (with the rule),
  with its position in the file and the row itself as JSON (classified_raw in
  macros/raw.sql). Superseded versions are only counted (stg_raw__load_outcomes).
-#}
{%- set tables = raw_tables_with_files() -%}
with

set_aside as (
    {% for system, table, entry in tables -%}
    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        cast(_source_row_number as bigint) as source_row_number,
        {{ as_text(entry.rules.key[0]) }} as source_record_id,
        _load_outcome as load_outcome,
        _load_reason as load_reason,
        _load_detail as load_detail,
        {{ raw_row_json(entry.columns.keys() | list) }} as source_row
    from ({{ classified_raw(system, table) }}) as {{ table }}_rows
    where _load_outcome in ('rejected', 'excluded')
    {{ 'union all' if not loop.last }}
    {% else -%}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as bigint) as source_row_number,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        cast(null as {{ dbt.type_string() }}) as load_outcome,
        cast(null as {{ dbt.type_string() }}) as load_reason,
        cast(null as {{ dbt.type_string() }}) as load_detail,
        cast(null as {{ dbt.type_string() }}) as source_row
    from (select 1 as no_files) as nothing
    where 1 = 0
    {% endfor %}
)

select * from set_aside
