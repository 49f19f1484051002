{#-
  Account 360 helpers: survivorship rules (read from the seed at compile time) and a
  portable median.
-#}

{#-
  The survivorship rules of one entity ('account' or 'contact'), as a dict attribute ->
  {rule, sources}, from the seed `survivorship_rules` (read at compile time, see
  read_seed). A dbt unit test may pass other rules through the var `survivorship_rules` (a
  list of {attribute, rule, source_order[, entity]}, entity defaulting to 'account'); they
  replace the seed's rules of the same attribute. Empty while the seed cannot be read
  (parsing, linting).
-#}
{% macro survivorship_rules(entity='account') -%}
    {% set rows = read_seed('survivorship_rules', ['entity', 'attribute', 'rule', 'source_order'],
        where="entity = '" ~ entity ~ "'", order_by='attribute') or [] %}
    {% for row in var('survivorship_rules', []) if (row.get('entity') or 'account') == entity %}
        {% do rows.append(row) %}
    {% endfor %}
    {% set rules = {} %}
    {% for row in rows %}
        {% if row['rule'] not in ('source_priority', 'most_recent_non_null') %}
            {{ exceptions.raise_compiler_error(
                "survivorship_rules: unknown rule '" ~ row['rule'] ~ "' for " ~ entity ~ " attribute '"
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
  The survivorship order of one attribute's candidate rows (for `row_number() over
  (partition by <entity> order by ...)`): non-empty values first, live records before
  deleted ones, then by the rule: source_priority takes the first source of source_order
  and, within it, the oldest record; most_recent_non_null the newest observation, ties to
  source_order. Sources outside a non-empty source_order come last. Ties end on tie_breaker.
-#}
{% macro survivorship_order(rule, value, observed_at='observed_at', created_at='created_at',
                            is_deleted='is_deleted', source='source_system', tie_breaker='record_key') -%}
    case when {{ value }} is null then 1 else 0 end,
    case when {{ is_deleted }} then 1 else 0 end,
    {%- set rank -%}
        case {{ source }}
            {%- for name in rule.sources %} when '{{ name }}' then {{ loop.index }}{% endfor %}
            else {{ rule.sources | length + 1 }}
        end
    {%- endset %}
    {% if rule.rule == 'most_recent_non_null' %}
        {{ observed_at }} desc nulls last,
        {{ rank }},
    {% else %}
        {{ rank }},
        {{ created_at }} nulls last,
    {% endif %}
    {{ tie_breaker }}
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
