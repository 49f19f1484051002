-- Every active rule in the policy seed must be of a type declared in the registry
-- (seeds/policy_rule_types.csv), and every model the registry names for a type must exist
-- and feed fct_cadence_violations: a rule of an unknown or unimplemented type would
-- silently never fire. One row per problem.
{%- set missing_models = [] %}
{%- set registry = queryable_seed('policy_rule_types') %}
{%- if registry is not none %}
    {%- set violations_parents = [] %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == 'fct_cadence_violations' %}
        {%- for parent in node.depends_on.nodes %}
            {%- do violations_parents.append(parent.split('.')[-1]) %}
        {%- endfor %}
    {%- endfor %}
    {%- for row in run_query('select rule_type, models from ' ~ registry ~ ' order by 1').rows %}
        {%- for model in (row[1] or '').split('|') if model not in violations_parents %}
            {%- do missing_models.append((row[0], model)) %}
        {%- endfor %}
    {%- endfor %}
{%- endif %}

with

policies as (
    select * from {{ ref('communication_policies') }}
),

rule_types as (
    select * from {{ ref('policy_rule_types') }}
),

unknown_types as (
    select
        policies.rule_id,
        policies.rule_type,
        'rule type not in policy_rule_types' as problem
    from policies
    left join rule_types
        on policies.rule_type = rule_types.rule_type
    where cast(policies.is_active as boolean) and rule_types.rule_type is null
),

unimplemented_types as (
    {%- for rule_type, model in missing_models %}
        select
            cast(null as {{ dbt.type_string() }}) as rule_id,
            '{{ rule_type }}' as rule_type,
            'model {{ model }} is not a parent of fct_cadence_violations' as problem
        union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as rule_id,
        cast(null as {{ dbt.type_string() }}) as rule_type,
        cast(null as {{ dbt.type_string() }}) as problem
    where 1 = 0
)

select * from unknown_types
union all
select * from unimplemented_types
