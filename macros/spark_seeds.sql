{#-
  Loading seeds on Spark. dbt-spark's session method formats each value into the insert
  as '<value>': a quote inside a value breaks the statement, and an empty cell (None)
  arrives as the text 'None'. This override writes each value as a SQL literal instead:
  null for empty cells, numbers and booleans bare, text quoted and escaped (Spark's
  backslash escapes included), so a seed holds the same values as on DuckDB.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set column_override = model['config'].get('column_types', {}) %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set sql %}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ seed_value_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {% endset %}
        {% do adapter.add_query(sql, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}


{#- One seed cell as a Spark SQL literal. -#}
{% macro seed_value_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true -%}
        true
    {%- elif value is sameas false -%}
        false
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        {{ spark_string_literal(value | string) }}
    {%- endif -%}
{%- endmacro %}
