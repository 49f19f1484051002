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
