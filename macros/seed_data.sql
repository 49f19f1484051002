{#-
  Reading seeds at compile time. Models that turn a seed into SQL (policy windows,
  survivorship, segments) read it with run_query when dbt executes; while dbt only parses
  (execute is false), before the seed exists (a fresh database) and in dbt unit tests
  (where the ref is a fixture CTE, not a table) the seed cannot be read, and callers fall
  back to their defaults. The calling model must also ref() the seed itself, so the seed
  is built first.
-#}

{#- The seed's relation when it can be queried now, else none. -#}
{% macro queryable_seed(seed_name) -%}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set seed = ref(seed_name) %}
    {% if seed.database is none or seed.schema is none or seed.identifier is none %}
        {{ return(none) }}
    {% endif %}
    {{ return(adapter.get_relation(
        database=seed.database, schema=seed.schema, identifier=seed.identifier)) }}
{%- endmacro %}


{#-
  Fail the build unless `condition_sql` (a predicate written in a seed) is a plain boolean
  expression: no statement separators, comments, sub-queries or DDL/DML keywords.
  seed_name and label name the offending row in the error.
-#}
{% macro validate_seed_predicate(seed_name, label, condition_sql) -%}
    {%- if condition_sql is none or (condition_sql | trim) == '' -%}
        {{ exceptions.raise_compiler_error(seed_name ~ ": '" ~ label ~ "' has no condition") }}
    {%- endif -%}
    {%- set lowered = ' ' ~ (condition_sql | lower | replace('\n', ' ') | replace('(', ' ( ')) ~ ' ' -%}
    {%- for forbidden in [';', '--', '/*', ' select ', ' from ', ' drop ', ' insert ', ' delete ',
                          ' update ', ' create ', ' attach ', ' copy ', ' pragma ', ' call '] -%}
        {%- if forbidden in lowered -%}
            {{ exceptions.raise_compiler_error(
                seed_name ~ ": the condition of '" ~ label ~ "' contains '" ~ (forbidden | trim)
                ~ "'; a condition is a boolean expression over the documented columns") }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
