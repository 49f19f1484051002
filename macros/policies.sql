{#-
  The distinct window lengths (days) of the active rules of one type, read from the
  policy seed at compile time: a RANGE frame needs a constant offset, so the cadence model
  builds one window per length. Before the seed exists (parsing, a fresh database) it
  and in unit tests (fixtures use 7-day windows) falls back to the default.
-#}
{% macro policy_window_days(rule_type, default=[7]) -%}
    {% if not execute %}
        {{ return(default) }}
    {% endif %}
    {% set seed = ref('communication_policies') %}
    {#- in a unit test the ref is a fixture CTE, not a table: use the default -#}
    {% if seed.database is none or seed.schema is none or seed.identifier is none %}
        {{ return(default) }}
    {% endif %}
    {% set existing = adapter.get_relation(database=seed.database, schema=seed.schema, identifier=seed.identifier) %}
    {% if existing is none %}
        {{ return(default) }}
    {% endif %}
    {% set query %}
        select distinct cast(window_days as integer) as window_days
        from {{ seed }}
        where cast(is_active as boolean) and rule_type = '{{ rule_type }}'
        order by 1
    {% endset %}
    {% set days = run_query(query).columns[0].values() | list %}
    {{ return(days if days | length > 0 else default) }}
{%- endmacro %}
