{#-
  Account 360 helpers: survivorship rules (read from the seed at compile time) and a
  portable median.
-#}

{#-
  The survivorship rules, as a dict attribute -> {rule, sources, reason}, read from the
  seed `survivorship_rules` at compile time. Order of precedence:
  1. the dbt var `survivorship_rules` (a list of {attribute, rule, source_order}), used by
     unit tests to exercise other rules (a unit test cannot read a seed at compile time);
  2. the seed table, when it exists (a build seeds it before the models run);
  3. the defaults below (parsing, a fresh database, unit tests without the var), which
     mirror seeds/survivorship_rules.csv.
  An attribute missing from the seed keeps its default rule.
-#}
{% macro survivorship_rules() -%}
    {% set defaults = [
        {'attribute': 'account_name', 'rule': 'source_priority', 'source_order': 'salesforce|stripe|zendesk'},
        {'attribute': 'primary_domain', 'rule': 'source_priority', 'source_order': 'salesforce|zendesk|stripe'},
        {'attribute': 'country', 'rule': 'source_priority', 'source_order': 'salesforce|stripe'},
        {'attribute': 'industry', 'rule': 'source_priority', 'source_order': 'salesforce'},
        {'attribute': 'owner_user_id', 'rule': 'source_priority', 'source_order': 'salesforce'},
        {'attribute': 'employee_count', 'rule': 'source_priority', 'source_order': 'salesforce'},
        {'attribute': 'billing_email', 'rule': 'most_recent_non_null', 'source_order': 'stripe'},
    ] %}
    {% set rows = var('survivorship_rules', none) %}
    {% set seed = queryable_seed('survivorship_rules') if rows is none else none %}
    {% if seed is not none %}
        {% set query %}
            select attribute, rule, source_order from {{ seed }} order by attribute
        {% endset %}
        {% set rows = [] %}
        {% for row in run_query(query).rows %}
            {% do rows.append({'attribute': row[0], 'rule': row[1], 'source_order': row[2]}) %}
        {% endfor %}
    {% endif %}
    {% set rules = {} %}
    {% for row in defaults + (rows or []) %}
        {% if row['rule'] not in ('source_priority', 'most_recent_non_null') %}
            {{ exceptions.raise_compiler_error(
                "survivorship_rules: unknown rule '" ~ row['rule'] ~ "' for attribute '"
                ~ row['attribute'] ~ "' (use source_priority or most_recent_non_null)") }}
        {% endif %}
        {% set sources = [] %}
        {% for source in (row['source_order'] or '').split('|') %}
            {% if source | trim | length > 0 %}{% do sources.append(source | trim | lower) %}{% endif %}
        {% endfor %}
        {% do rules.update({row['attribute']: {'rule': row['rule'], 'sources': sources}}) %}
    {% endfor %}
    {{ return(rules) }}
{%- endmacro %}


{#-
  The product tier of a Stripe price from its nickname: lower-case, billing-interval words
  removed ('Growth monthly' -> 'growth', 'Enterprise - Annual' -> 'enterprise'); the
  product id when the price has no nickname.
-#}
{% macro plan_from_price(nickname, product_id) -%}
    {%- set words = "monthly|month|annual|annually|yearly|year|quarterly|quarter|weekly|week|daily|plan|billing" -%}
    {%- set spaced = regexp_replace_all("lower(" ~ nickname ~ ")", "'[^a-z0-9]+'", "' '") -%}
    coalesce(
        nullif(
            trim({{ regexp_replace_all(
                regexp_replace_all("' ' || " ~ spaced ~ " || ' '", "'( (" ~ words ~ "))+ '", "' '"),
                "' +'", "' '"
            ) }}),
            ''
        ),
        {{ product_id }}
    )
{%- endmacro %}
