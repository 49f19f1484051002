{#-
  Incremental builds (`clearinghouse build --incremental`, docs/incremental.md).

  The build still writes a fresh file (DESIGN.md: a build never touches the served file);
  an incremental one attaches the served warehouse read-only as `clearinghouse_previous`,
  and a model built incrementally copies from it the partitions whose inputs have not
  changed and computes only the others. A partition (a rule and a contact or account) is
  unchanged when its input rows are the same as in the previous build: the same number of
  rows and the same sum of row hashes (changed_partitions). Whole rows are hashed, not only
  the columns a model reads, so nothing a model reads can change unseen. Time is no
  partition: a new record can merge two people or two companies, which re-attributes their
  messages of months ago (docs/incremental.md), so "the last N days" would miss changes a
  full build sees.

  The build only attaches the served warehouse when it was built by the same project
  (models, macros, seeds, code: clearinghouse/build.py, project_fingerprint), so a previous
  table has the columns and meaning of this build's. On Spark, and in a full build,
  previous_warehouse() is none and every model is computed whole.
-#}

{% macro previous_warehouse() -%}
    {{ return(var('previous_warehouse', none) if target.type == 'duckdb' else none) }}
{%- endmacro %}


{#- on-run-start: attach the served warehouse as `clearinghouse_previous` (read-only) in an incremental build -#}
{% macro attach_previous_warehouse() -%}
    {%- if previous_warehouse() -%}
        attach if not exists '{{ previous_warehouse() | replace("'", "''") }}' as clearinghouse_previous (read_only)
    {%- endif -%}
{%- endmacro %}


{#- The previous build's table of a model -#}
{% macro previous_table(model_name) -%}
    clearinghouse_previous.main.{{ model_name }}
{%- endmacro %}


{#- A fingerprint of a group's rows: the sum of their hashes (order-independent; a changed,
    added or removed row changes it but for a 2^-64 chance). `row` is a table alias: the
    whole row, as one value. -#}
{% macro rows_fingerprint(row) -%}
    {{ return(adapter.dispatch('rows_fingerprint', 'clearinghouse')(row)) }}
{%- endmacro %}

{% macro default__rows_fingerprint(row) -%}
    sum(cast(xxhash64({{ row }}) as decimal(38, 0)))
{%- endmacro %}

{% macro duckdb__rows_fingerprint(row) -%}
    sum(hash({{ row }}))
{%- endmacro %}


{#-
  The partitions (values of `keys`) whose rows differ between this build's `relation` and
  the previous build's table of `model_name`: rows added, removed or changed (rows with a
  null key are not compared: the callers leave them out with `where`). One row per changed
  partition, columns `keys`.
-#}
{% macro changed_partitions(relation, model_name, keys, where='true') -%}
    {%- set key_list = keys | join(', ') -%}
    select
        {%- for key in keys %}
        coalesce(now_rows.{{ key }}, previous_rows.{{ key }}) as {{ key }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select {{ key_list }}, count(*) as row_count, {{ rows_fingerprint('now_row') }} as fingerprint
        from {{ relation }} as now_row
        where {{ where }}
        group by {{ key_list }}
    ) as now_rows
    full outer join (
        select {{ key_list }}, count(*) as row_count, {{ rows_fingerprint('previous_row') }} as fingerprint
        from {{ previous_table(model_name) }} as previous_row
        where {{ where }}
        group by {{ key_list }}
    ) as previous_rows
        on
        {%- for key in keys %}
            now_rows.{{ key }} = previous_rows.{{ key }}{{ ' and' if not loop.last }}
        {%- endfor %}
    where
        now_rows.row_count is null
        or previous_rows.row_count is null
        or now_rows.fingerprint != previous_rows.fingerprint
        or now_rows.row_count != previous_rows.row_count
{%- endmacro %}


{#-
  A row is in a changed partition: `pairs` lists (the changed CTE's key column, this row's
  expression for it), e.g. [('rule_id', 'counted.rule_id'), ('scope_key', 'counted.scope_key')].
-#}
{% macro in_changed_partition(changed, pairs) -%}
    exists (
        select 1 from {{ changed }}
        where
        {%- for key, expression in pairs %}
            {{ changed }}.{{ key }} = {{ expression }}{{ ' and' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{#-
  The previous build's rows of this model outside the changed partitions (`pairs` as for
  in_changed_partition, the expressions over `previous_rows`; `joins` adds previous tables a
  partition key is found in), to be put beside the rows computed for the changed ones.
-#}
{% macro previous_unchanged_rows(model_name, changed, pairs, joins='') -%}
    select previous_rows.*
    from {{ previous_table(model_name) }} as previous_rows
    {{ joins }}
    where not {{ in_changed_partition(changed, pairs) }}
{%- endmacro %}
