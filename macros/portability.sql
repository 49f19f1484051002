{#-
  Engine-specific SQL, dispatched: a DuckDB and a Spark implementation each, so marts and
  intermediate models stay portable (DESIGN.md, Portability).
-#}

{#- Seconds since the epoch, as a number usable in a numeric RANGE frame. -#}
{% macro epoch_seconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'clearinghouse')(timestamp_expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_seconds(timestamp_expression) -%}
    epoch({{ timestamp_expression }})
{%- endmacro %}

{% macro spark__epoch_seconds(timestamp_expression) -%}
    cast(unix_micros({{ timestamp_expression }}) as double) / 1000000
{%- endmacro %}


{#- Comma-separated, sorted, distinct values of a group (aggregate). -#}
{% macro agg_distinct_list(column) -%}
    {{ return(adapter.dispatch('agg_distinct_list', 'clearinghouse')(column)) }}
{%- endmacro %}

{% macro duckdb__agg_distinct_list(column) -%}
    string_agg(distinct {{ column }}, ',' order by {{ column }})
{%- endmacro %}

{% macro spark__agg_distinct_list(column) -%}
    nullif(concat_ws(',', array_sort(collect_set({{ column }}))), '')
{%- endmacro %}


{#- Comma-separated values over a window frame, in the given order (window aggregate). -#}
{% macro window_list(column, order_by, window_name) -%}
    {{ return(adapter.dispatch('window_list', 'clearinghouse')(column, order_by, window_name)) }}
{%- endmacro %}

{% macro duckdb__window_list(column, order_by, window_name) -%}
    string_agg({{ column }}, ',' order by {{ order_by }}) over {{ window_name }}
{%- endmacro %}

{% macro spark__window_list(column, order_by, window_name) -%}
    {#- Spark's collect_list keeps frame order, which follows the window's own order. -#}
    concat_ws(',', collect_list({{ column }}) over {{ window_name }})
{%- endmacro %}


{#- Sorted distinct values over a window frame, comma-separated (window aggregate). -#}
{% macro window_distinct_list(column, window_name) -%}
    {{ return(adapter.dispatch('window_distinct_list', 'clearinghouse')(column, window_name)) }}
{%- endmacro %}

{% macro duckdb__window_distinct_list(column, window_name) -%}
    string_agg(distinct {{ column }}, ',' order by {{ column }}) over {{ window_name }}
{%- endmacro %}

{% macro spark__window_distinct_list(column, window_name) -%}
    concat_ws(',', array_sort(collect_set({{ column }}) over {{ window_name }}))
{%- endmacro %}


{#- Number of distinct values over a window frame (window aggregate). -#}
{% macro window_distinct_count(column, window_name) -%}
    {{ return(adapter.dispatch('window_distinct_count', 'clearinghouse')(column, window_name)) }}
{%- endmacro %}

{% macro duckdb__window_distinct_count(column, window_name) -%}
    count(distinct {{ column }}) over {{ window_name }}
{%- endmacro %}

{% macro spark__window_distinct_count(column, window_name) -%}
    size(collect_set({{ column }}) over {{ window_name }})
{%- endmacro %}


{#- Does a '|'-separated list (e.g. 'promotional|sales') contain a value? Portable. -#}
{% macro list_contains(pipe_list, value) -%}
    ('|' || coalesce({{ pipe_list }}, '') || '|' like '%|' || {{ value }} || '|%')
{%- endmacro %}


{#- Microseconds since the epoch, as an exact integer for RANGE frames over time. -#}
{% macro epoch_microseconds(timestamp_expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'clearinghouse')(timestamp_expression)) }}
{%- endmacro %}

{% macro duckdb__epoch_microseconds(timestamp_expression) -%}
    epoch_us({{ timestamp_expression }})
{%- endmacro %}

{% macro spark__epoch_microseconds(timestamp_expression) -%}
    unix_micros({{ timestamp_expression }})
{%- endmacro %}
