{#-
  Survivorship: for each account and governed attribute, the one value that survives into
  dim_accounts, chosen by the attribute's rule in seeds/survivorship_rules.csv (read at
  compile time by the survivorship_rules('account') macro; an attribute without a rule, e.g.
  while the seed cannot be read, is not picked):
  - source_priority: the first source of source_order that has a non-empty value; within
    a source, the oldest record (the original, not a later duplicate);
  - most_recent_non_null: the most recently observed non-empty value among the sources of
    source_order; ties go to source_order.
  Under both rules, live records win over records their source flags deleted, and only
  sources listed in source_order (all sources when it is empty) are eligible. Attributes
  without a rule are not picked. Ties end on record_key, so the pick is stable.
-#}
-- depends_on: {{ ref('survivorship_rules') }}
{%- set rules = survivorship_rules('account') %}
with

candidates as (
    select * from {{ ref('int_accounts__attribute_candidates') }}
),

ruled as (
    select
        account_id,
        record_key,
        source_system,
        source_record_id,
        attribute,
        nullif(trim(attribute_value), '') as attribute_value,
        observed_at,
        created_at,
        is_deleted,
        -- noqa: disable=LT02
        case attribute
            when '' then null
            {% for attribute, rule in rules.items() %}
                when '{{ attribute }}' then '{{ rule.rule }}'
            {% endfor %}
        end as survivorship_rule,
        case
            when attribute = '' then null
            {% for attribute, rule in rules.items() %}
                {% if rule.sources | length == 0 %}
                    when attribute = '{{ attribute }}' then 1
                {% else %}
                    {% for source in rule.sources %}
                        when attribute = '{{ attribute }}' and source_system = '{{ source }}' then {{ loop.index }}
                    {% endfor %}
                {% endif %}
            {% endfor %}
        end as source_rank
        -- noqa: enable=LT02
    from candidates
),

eligible as (
    select * from ruled
    where attribute_value is not null and survivorship_rule is not null and source_rank is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by account_id, attribute
            order by
                case when is_deleted then 1 else 0 end,
                case when survivorship_rule = 'source_priority' then source_rank else 0 end,
                case when survivorship_rule = 'most_recent_non_null' then observed_at end desc nulls last,
                source_rank,
                case when survivorship_rule = 'source_priority' then created_at end asc nulls last,
                record_key
        ) as pick_rank
    from eligible
),

final as (
    select
        account_id,
        attribute,
        attribute_value,
        source_system,
        source_record_id,
        survivorship_rule
    from ranked
    where pick_rank = 1
)

select * from final
