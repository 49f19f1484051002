{#-
  Row accounting of every raw file of this build: per table, the rows of each load outcome
  and reason (classified_raw in macros/raw.sql), and per enumerated column the loaded rows
  whose value was not one the contract lists (loaded as 'unknown').
-#}
{%- set tables = raw_tables_with_files() -%}
with

outcomes as (
    {% for system, table, entry in tables -%}
    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        'outcome' as measure,
        _load_outcome as load_outcome,
        _load_reason as load_reason,
        count(*) as row_count
    from ({{ classified_raw(system, table) }}) as {{ table }}_rows
    group by _load_outcome, _load_reason
    {% for column in entry.rules.enums if entry.columns[column] is not none -%}
    union all
    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        'unknown_value' as measure,
        'loaded' as load_outcome,
        '{{ column }}' as load_reason,
        count(*) as row_count
    from ({{ loaded_raw(system, table) }}) as {{ table }}_{{ column }}_values
    where {{ raw_enum(system, table, column) }} = 'unknown'
    {% endfor -%}
    {{ 'union all' if not loop.last }}
    {% else -%}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as measure,
        cast(null as {{ dbt.type_string() }}) as load_outcome,
        cast(null as {{ dbt.type_string() }}) as load_reason,
        cast(0 as bigint) as row_count
    from (select 1 as no_files) as nothing
    where 1 = 0
    {% endfor %}
)

select * from outcomes
