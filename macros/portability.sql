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


{#- The last non-null value of an expression in a window frame (written before `over`):
    DuckDB puts IGNORE NULLS inside the call, Spark after it. -#}
{% macro last_value_ignoring_nulls(expression) -%}
    {{ return(adapter.dispatch('last_value_ignoring_nulls', 'clearinghouse')(expression)) }}
{%- endmacro %}

{% macro duckdb__last_value_ignoring_nulls(expression) -%}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__last_value_ignoring_nulls(expression) -%}
    last_value({{ expression }}) ignore nulls
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


{#-
  Comma-separated values over a window frame, ordered by sort_key then value (window
  aggregate). sort_key must sort correctly as text (e.g. zero-padded epoch microseconds).
  Ordered aggregates over frames are slow in DuckDB, so it collects unordered and sorts
  the small list per row.
-#}
{% macro window_list(column, sort_key, window_name) -%}
    {{ return(adapter.dispatch('window_list', 'clearinghouse')(column, sort_key, window_name)) }}
{%- endmacro %}

{% macro duckdb__window_list(column, sort_key, window_name) -%}
    array_to_string(
        list_transform(
            list_sort(list({{ sort_key }} || '|' || {{ column }}) over {{ window_name }}),
            lambda entry: substr(entry, strpos(entry, '|') + 1)
        ),
        ','
    )
{%- endmacro %}

{% macro spark__window_list(column, sort_key, window_name) -%}
    concat_ws(',', transform(
        array_sort(collect_list(named_struct('k', {{ sort_key }}, 'v', {{ column }})) over {{ window_name }}),
        entry -> entry.v
    ))
{%- endmacro %}


{#- Sorted distinct values over a window frame, comma-separated (window aggregate). -#}
{% macro window_distinct_list(column, window_name) -%}
    {{ return(adapter.dispatch('window_distinct_list', 'clearinghouse')(column, window_name)) }}
{%- endmacro %}

{% macro duckdb__window_distinct_list(column, window_name) -%}
    array_to_string(list_sort(list_distinct(list({{ column }}) over {{ window_name }})), ',')
{%- endmacro %}

{% macro spark__window_distinct_list(column, window_name) -%}
    concat_ws(',', array_sort(collect_set({{ column }}) over {{ window_name }}))
{%- endmacro %}


{#-
  The aggregate twins of window_list and window_distinct_list: the same text for the same
  rows, over a group instead of a window frame. agg_sorted_list: values ordered by sort_key
  then value (sort_key must sort correctly as text); agg_sorted_distinct_list: sorted
  distinct values ('' when all are null, as over a frame). DuckDB sorts a collected list,
  faster than an ordered string_agg.
-#}
{% macro agg_sorted_list(column, sort_key) -%}
    {{ return(adapter.dispatch('agg_sorted_list', 'clearinghouse')(column, sort_key)) }}
{%- endmacro %}

{% macro duckdb__agg_sorted_list(column, sort_key) -%}
    array_to_string(
        list_transform(
            list_sort(list({{ sort_key }} || '|' || {{ column }})),
            lambda entry: substr(entry, strpos(entry, '|') + 1)
        ),
        ','
    )
{%- endmacro %}

{% macro spark__agg_sorted_list(column, sort_key) -%}
    concat_ws(',', transform(
        array_sort(collect_list(named_struct('k', {{ sort_key }}, 'v', {{ column }}))),
        entry -> entry.v
    ))
{%- endmacro %}

{% macro agg_sorted_distinct_list(column) -%}
    {{ return(adapter.dispatch('agg_sorted_distinct_list', 'clearinghouse')(column)) }}
{%- endmacro %}

{% macro duckdb__agg_sorted_distinct_list(column) -%}
    array_to_string(list_sort(list_distinct(list({{ column }}))), ',')
{%- endmacro %}

{% macro spark__agg_sorted_distinct_list(column) -%}
    concat_ws(',', array_sort(collect_set({{ column }})))
{%- endmacro %}


{#- Does a '|'-separated list (e.g. 'promotional|sales') contain a value? Portable. -#}
{% macro list_contains(pipe_list, value) -%}
    ('|' || coalesce({{ pipe_list }}, '') || '|' like '%|' || {{ value }} || '|%')
{%- endmacro %}


{#- How many items a non-empty list joined by `separator` holds (e.g. 'a,b' -> 2), as an
    integer. Portable. -#}
{% macro list_item_count(joined_list, separator=',') -%}
    cast(
        length({{ joined_list }}) - length(replace({{ joined_list }}, '{{ separator }}', '')) + 1 as integer
    )
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


{#- A UTC timestamp as wall-clock time in an IANA time zone (column or literal). -#}
{% macro to_local_time(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('to_local_time', 'clearinghouse')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__to_local_time(utc_timestamp, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{% macro spark__to_local_time(utc_timestamp, time_zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ time_zone }})
{%- endmacro %}


{#-
  Integers 0 .. upper_bound - 1 as a subquery with one column `n`, from cross joins of a
  ten-row digit table: plain ANSI SQL, so it runs on DuckDB and Spark alike.
  upper_bound is a Python integer known at compile time.
-#}
{% macro integer_series(upper_bound) -%}
    {%- set digits = [] -%}
    {%- set ns = namespace(power=1) -%}
    {%- for _ in range(12) -%}
        {%- if ns.power < upper_bound -%}
            {%- do digits.append(ns.power) -%}
            {%- set ns.power = ns.power * 10 -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if digits | length == 0 -%}{%- do digits.append(1) -%}{%- endif -%}
    select
        {% for power in digits -%}
            digits_{{ loop.index }}.digit * {{ power }}{{ ' +' if not loop.last }}
        {% endfor -%}
        as n
    from
        {% for power in digits -%}
            (
                select 0 as digit union all select 1 union all select 2 union all select 3
                union all select 4 union all select 5 union all select 6 union all select 7
                union all select 8 union all select 9
            ) as digits_{{ loop.index }}{{ ',' if not loop.last }}
        {% endfor -%}
    where
        {% for power in digits -%}
            digits_{{ loop.index }}.digit * {{ power }}{{ ' +' if not loop.last }}
        {% endfor -%}
        < {{ upper_bound }}
{%- endmacro %}


{#- Median of a group (aggregate). -#}
{% macro median_value(column) -%}
    {{ return(adapter.dispatch('median_value', 'clearinghouse')(column)) }}
{%- endmacro %}

{% macro duckdb__median_value(column) -%}
    median({{ column }})
{%- endmacro %}

{% macro spark__median_value(column) -%}
    percentile({{ column }}, 0.5)
{%- endmacro %}


{#- Values of a group joined by separator in sort_key order (aggregate); sort_key unique per group. -#}
{% macro agg_ordered_string(column, sort_key, separator) -%}
    {{ return(adapter.dispatch('agg_ordered_string', 'clearinghouse')(column, sort_key, separator)) }}
{%- endmacro %}

{% macro duckdb__agg_ordered_string(column, sort_key, separator) -%}
    string_agg({{ column }}, '{{ separator }}' order by {{ sort_key }})
{%- endmacro %}

{% macro spark__agg_ordered_string(column, sort_key, separator) -%}
    concat_ws('{{ separator }}', transform(
        array_sort(collect_list(named_struct('k', {{ sort_key }}, 'v', {{ column }}))),
        entry -> entry.v
    ))
{%- endmacro %}


{#- The time zone names the engine knows, as a relation with one column `time_zone_name`. -#}
{% macro time_zone_names() -%}
    {{ return(adapter.dispatch('time_zone_names', 'clearinghouse')()) }}
{%- endmacro %}

{% macro duckdb__time_zone_names() -%}
    select distinct name as time_zone_name from pg_timezone_names()
{%- endmacro %}

{#- Spark has no catalogue of zones in SQL: the seed iana_time_zones (the Rails map alone
    left IANA names such as America/Toronto unknown, so null). -#}
{% macro spark__time_zone_names() -%}
    select time_zone_name from {{ ref('iana_time_zones') }}
{%- endmacro %}


{#-
  The part_number-th piece (1-based) of text split on a literal delimiter; '' past the last
  piece, null for null text. part_number may be a column: dbt's split_part on Spark needs a
  literal, so this calls the engines' own split_part (Spark 3.3+ has DuckDB's semantics).
-#}
{% macro split_part_at(string_text, delimiter_text, part_number) -%}
    {{ return(adapter.dispatch('split_part_at', 'clearinghouse')(string_text, delimiter_text, part_number)) }}
{%- endmacro %}

{% macro default__split_part_at(string_text, delimiter_text, part_number) -%}
    {{ dbt.split_part(string_text, delimiter_text, part_number) }}
{%- endmacro %}

{% macro spark__split_part_at(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, cast({{ part_number }} as int))
{%- endmacro %}


{#-
  A timestamp (or date) plus `interval` dateparts (an integer expression), keeping the time
  of day to the microsecond. DuckDB: dbt's dateadd. Spark: dbt-spark's dateadd adds days
  with date_add() and puts the clock back as whole seconds (to_unix_timestamp), so
  '13:45:10.250' came back as '13:45:10' (tested on Spark 4.3); timestampadd keeps the
  fraction and clamps month ends as DuckDB does.
-#}
{% macro add_interval(datepart, interval, from_date_or_timestamp) -%}
    {{ return(adapter.dispatch('add_interval', 'clearinghouse')(datepart, interval, from_date_or_timestamp)) }}
{%- endmacro %}

{% macro default__add_interval(datepart, interval, from_date_or_timestamp) -%}
    {{ dbt.dateadd(datepart, interval, from_date_or_timestamp) }}
{%- endmacro %}

{% macro spark__add_interval(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart | upper }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
