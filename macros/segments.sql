{#-
  Segments as data: the active rows of seed `segment_definitions` (segment_id, predicate),
  read at compile time, validated, and compiled into one `select` per segment over
  int_segments__account_daily_attributes (read_seed). Before the seed can be read
  (parsing, a fresh database) there are no segments and the membership models are empty.
-#}
{% macro segment_definitions() -%}
    {% set definitions = [] %}
    {#- a unit test passes other definitions through this var -#}
    {% set overridden = var('segment_definitions', none) %}
    {% if overridden is not none %}
        {% for row in overridden %}
            {% do validate_seed_predicate('segment_definitions', row['segment_id'], row['predicate']) %}
            {% do definitions.append({'segment_id': row['segment_id'], 'predicate': row['predicate']}) %}
        {% endfor %}
        {{ return(definitions) }}
    {% endif %}
    {% set rows = read_seed('segment_definitions', ['segment_id', 'predicate'],
        where='cast(is_active as boolean)', order_by='segment_id') %}
    {% for row in rows or [] %}
        {% if not modules.re.match('^[a-z][a-z0-9_]*$', row['segment_id'] or '') %}
            {{ exceptions.raise_compiler_error(
                "segment_definitions: bad segment_id '" ~ row['segment_id'] ~ "' (lower-case, digits, _)") }}
        {% endif %}
        {% do validate_seed_predicate('segment_definitions', row['segment_id'], row['predicate']) %}
        {% do definitions.append(row) %}
    {% endfor %}
    {{ return(definitions) }}
{%- endmacro %}


{#- One row per (segment, account, day) on which the account meets the segment's predicate. -#}
{% macro segment_member_days(attributes_relation) -%}
    {% set definitions = segment_definitions() %}
    {% if definitions | length == 0 %}
        select
            cast(null as {{ dbt.type_string() }}) as segment_id,
            account_id,
            state_date,
            day_number,
            data_end_date
        from {{ attributes_relation }}
        where 1 = 0
    {% else %}
        {% for definition in definitions %}
            select
                '{{ definition.segment_id }}' as segment_id,
                account_id,
                state_date,
                day_number,
                data_end_date
            from {{ attributes_relation }}
            where coalesce(({{ definition.predicate }}), false)
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {% endif %}
{%- endmacro %}
