{#-
  Reading raw exports as they really are (DESIGN.md, "Raw contract and real loads").

  `clearinghouse build` first inspects the raw folder (clearinghouse/inspection.py) and hands
  dbt what it found as the var `raw_layout`: per system and contract table, the relation that
  reads the file (null when there is no file) and, per contract column, the header name that
  holds it (null when absent). Staging models read a raw table with select_raw(): every
  contract column under its contract name, present ones from the file, absent ones as typed
  nulls, extra columns ignored; a table without a file (a system the company does not use, an
  optional table, the other layout of a table) is an empty relation of the same shape. This
  is Fivetran's fill_staging_columns, driven by the inspection instead of the warehouse's
  catalogue, because raw files are read in place.

  Without the var (sqlfluff's compile), the macros read the declared sources as they are.
-#}

{#- The inspection's entry for one contract table, or none when dbt runs without it. -#}
{% macro raw_layout_entry(system, table) -%}
    {%- set layout = var('raw_layout', none) -%}
    {%- if layout is none -%}
        {%- if execute and target.path != ':memory:' -%}
            {{ exceptions.raise_compiler_error(
                "the raw_layout var is not set: build with `clearinghouse build`, which inspects "
                ~ "the raw exports and passes what it found to dbt") }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if system not in layout or table not in layout[system] -%}
        {{ exceptions.raise_compiler_error(
            "raw_layout has no entry for " ~ system ~ "/" ~ table ~ ": is it in the sources YAML?") }}
    {%- endif -%}
    {{ return(layout[system][table]) }}
{%- endmacro %}


{#- Does this build have a file for the contract table? (True when dbt runs without the var.) -#}
{% macro raw_table_exists(system, table) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {{ return(entry is none or entry.relation is not none) }}
{%- endmacro %}


{#- Does the file have this contract column? (True when dbt runs without the var.) -#}
{% macro raw_column_exists(system, table, column) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {{ return(entry is none or (entry.relation is not none and entry.columns.get(column) is not none)) }}
{%- endmacro %}


{#- The table expression that reads one raw file (engine-specific). -#}
{% macro raw_file_relation(entry) -%}
    {{ return(adapter.dispatch('raw_file_relation', 'clearinghouse')(entry)) }}
{%- endmacro %}

{% macro duckdb__raw_file_relation(entry) -%}
    {{ entry.relation }}
{%- endmacro %}

{% macro default__raw_file_relation(entry) -%}
    {{ exceptions.raise_compiler_error("reading raw files is implemented for DuckDB only") }}
{%- endmacro %}


{#- Quote a header name as an identifier (it may be CamelCase, a keyword or hold spaces). -#}
{% macro raw_identifier(name) -%}
    {{ adapter.quote(name | replace('"', '""')) }}
{%- endmacro %}


{#-
  `select` of every contract column of system/table, under its contract name. The sources are
  still ref'd through source() so lineage and docs show them.
-#}
{% macro select_raw(system, table) -%}
    {%- set declared = source(system, table) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {%- if entry is none -%}
        select * from {{ declared }}
    {%- elif entry.relation is none -%}
        select
            {%- for column in entry.columns %}
            cast(null as {{ dbt.type_string() }}) as {{ raw_identifier(column) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from (select 1 as no_file) as empty_source
        where 1 = 0
    {%- else -%}
        select
            {%- for column, header in entry.columns.items() %}
            {% if header is not none -%}
                {{ raw_identifier(header) }}
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as {{ raw_identifier(column) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ raw_file_relation(entry) }} as raw_file
    {%- endif -%}
{%- endmacro %}


{#- HubSpot per-type event tables present in this build, as (table, event type) pairs. -#}
{% macro raw_event_type_tables(system) -%}
    {%- set layout = var('raw_layout', {}) or {} -%}
    {%- set found = [] -%}
    {%- for table, entry in (layout.get(system, {}) or {}).items() -%}
        {%- if entry.event_type and entry.relation is not none -%}
            {%- do found.append((table, entry.event_type)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{#- The inspection's feature statuses (var raw_features) as a relation: feature, status,
    detail; empty when dbt runs without the inspection. -#}
{% macro raw_feature_statuses() -%}
    {%- set statuses = var('raw_features', []) or [] -%}
    {%- if statuses -%}
    select evaluated.feature, evaluated.status, evaluated.detail
    from (
        values
        {%- for row in statuses %}
        ('{{ row.feature }}', '{{ row.status }}', '{{ row.detail | replace("'", "''") }}')
        {{- ',' if not loop.last }}
        {%- endfor %}
    ) as evaluated (feature, status, detail)
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as feature,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as detail
    from (select 1 as no_inspection) as nothing
    where 1 = 0
    {%- endif -%}
{%- endmacro %}
