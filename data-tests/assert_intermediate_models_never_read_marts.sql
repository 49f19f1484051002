{#-
  Marts are the end of the line: no model under models/staging or models/intermediate may
  read a mart (models/marts) or anything downstream of the app's contract. One row per
  offending (model, mart) pair; the graph is read when the test executes.
-#}
{%- set offences = [] -%}
{%- if execute -%}
    {%- set models = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | list -%}
    {%- set marts = {} -%}
    {%- for node in models if node.original_file_path.startswith('models/marts/') -%}
        {%- do marts.update({node.unique_id: node.name}) -%}
    {%- endfor -%}
    {%- for node in models if not node.original_file_path.startswith('models/marts/') -%}
        {%- for parent in node.depends_on.nodes if parent in marts -%}
            {%- do offences.append((node.name, marts[parent])) -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endif %}
{% for model_name, mart_name in offences %}
select '{{ model_name }}' as model_name, '{{ mart_name }}' as mart_name
union all
{% endfor %}
select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as mart_name
where 1 = 0
