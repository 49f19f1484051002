{#-
  Reading seeds at compile time: the one mechanism every model that turns a seed into SQL
  (policy windows, survivorship, segments, journey stages, the team list) uses. The seed is
  read with run_query when dbt executes. While dbt only parses (execute is false) or
  compiles before the seed exists (a fresh database) it cannot be read and callers fall
  back to their defaults; in a build or run a seed that cannot be found stops the build.
  In a dbt unit test the ref is a fixture CTE, so the seed is looked up in the graph
  instead (the seed table of the target, when a build has loaded it). The calling model
  must also ref() the seed itself, so the seed is built first.
-#}

{#- The seed's relation when it can be queried now, else none. -#}
{% macro queryable_seed(seed_name) -%}
    {% if not execute %}
        {{ return(none) }}
    {% endif %}
    {% set found = seed_relation(seed_name) %}
    {#- Compiling without a build (sqlfluff's empty in-memory database, docs generate on a
        fresh file) may find no seed, by design: callers fall back. In a build or run a
        missing seed would silently turn segments, policy windows and survivorship into
        their defaults, so it stops the build. -#}
    {% if found is none and flags.WHICH in ('build', 'run') %}
        {{ exceptions.raise_compiler_error(
            "seed " ~ seed_name ~ " cannot be read (" ~ ref(seed_name) ~ " was not found on "
            ~ target.type ~ "): build it first (dbt build builds seeds before the models "
            ~ "that ref them)") }}
    {% endif %}
    {{ return(found) }}
{%- endmacro %}


{#- Where the seed is: its ref in a model; in a unit test (where the ref is a fixture CTE)
    the seed node of the graph, else the target's schema. Engines without databases (Spark:
    a ref has schema and identifier only) are looked up by schema. -#}
{% macro seed_relation(seed_name) -%}
    {% set seed = ref(seed_name) %}
    {% if seed.schema is not none and seed.identifier is not none
          and (seed.database is not none or target.type == 'spark') %}
        {{ return(adapter.get_relation(
            database=seed.database, schema=seed.schema, identifier=seed.identifier)) }}
    {% endif %}
    {#- a unit test: the seed node of the graph, else the target's schema -#}
    {% set nodes = (graph.get('nodes') or {}).values() | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('name', 'equalto', seed_name) | list %}
    {% if nodes | length == 1 %}
        {{ return(adapter.get_relation(
            database=nodes[0].database, schema=nodes[0].schema, identifier=nodes[0].alias)) }}
    {% endif %}
    {{ return(adapter.get_relation(database=target.database, schema=target.schema, identifier=seed_name)) }}
{%- endmacro %}


{#-
  The rows of a seed as a list of dicts {column: value}, `where` (SQL over the seed's
  columns) applied and sorted by `order_by`; none when the seed cannot be read now (see
  above): the caller decides its fallback.
-#}
{% macro read_seed(seed_name, columns, where='true', order_by='1') -%}
    {% set seed = queryable_seed(seed_name) %}
    {% if seed is none %}
        {{ return(none) }}
    {% endif %}
    {% set query %}
        select {{ columns | join(', ') }} from {{ seed }} where {{ where }} order by {{ order_by }}
    {% endset %}
    {% set rows = [] %}
    {% for row in run_query(query).rows %}
        {% set values = {} %}
        {% for column in columns %}
            {% do values.update({column: row[loop.index0]}) %}
        {% endfor %}
        {% do rows.append(values) %}
    {% endfor %}
    {{ return(rows) }}
{%- endmacro %}


{#-
  The sending teams, in the order of seeds/team_categories.csv (its team_order column):
  the one team list. Models that spell a column per team (messages received per team,
  last touch per team) loop over it; before the seed can be read it is empty.
-#}
{% macro team_names() -%}
    {% set rows = read_seed('team_categories', ['team'], order_by='team_order, team') %}
    {{ return((rows or []) | map(attribute='team') | list) }}
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
