{#-
  Journey-stage helpers: the compile-time translation of the seed `journey_stage_rules` into one case expression.
-#}

{#-
  The journey_stage_rules seed as a list of dicts (rule_id, stage, precedence,
  condition_sql), active rules ordered by precedence (read_seed). Before the seed can be
  read it is an empty list, and the case expression falls back to 'unclassified' (which
  the accepted_values tests reject).
-#}
{% macro journey_stage_rules() -%}
    {%- set rows = read_seed('journey_stage_rules', ['rule_id', 'stage', 'precedence', 'condition_sql'],
        where='is_active', order_by='precedence, rule_id') -%}
    {{ return(rows or []) }}
{%- endmacro %}


{#- Reject anything in a rule's predicate that is not a plain boolean expression. -#}
{% macro validate_stage_predicate(rule_id, stage, condition_sql) -%}
    {%- for name in [rule_id, stage] -%}
        {%- if name is none or not modules.re.match('^[a-z][a-z0-9_]*$', name) -%}
            {{ exceptions.raise_compiler_error("journey_stage_rules: bad rule_id or stage '" ~ name ~ "'") }}
        {%- endif -%}
    {%- endfor -%}
    {%- do validate_seed_predicate('journey_stage_rules', stage, condition_sql) -%}
{%- endmacro %}


{#-
  `case when <rule 1> then 'stage 1' when <rule 2> ... else 'unclassified' end`, rules in
  precedence order: the first matching rule wins. column = 'stage' gives the stage name,
  column = 'rule' the rule_id that matched ('no_rule_matched' in the fallback).
  A null predicate result counts as no match.
-#}
{% macro journey_stage_case(column='stage') -%}
    {%- set rules = journey_stage_rules() -%}
    {%- if rules | length == 0 -%}
        {{ "'unclassified'" if column == 'stage' else "'no_rule_matched'" }}
    {%- else -%}
    case
        {%- for rule in rules %}
            {%- do validate_stage_predicate(rule.rule_id, rule.stage, rule.condition_sql) %}
        when coalesce(({{ rule.condition_sql }}), false) then
            {%- if column == 'stage' %} '{{ rule.stage }}'
            {%- else %} '{{ rule.rule_id }}'
            {%- endif %}
        {%- endfor %}
        else {{ "'unclassified'" if column == 'stage' else "'no_rule_matched'" }}
    end
    {%- endif -%}
{%- endmacro %}


{#-
  The rows of int_accounts__daily_spine (a CTE named `spine` in the calling model) with,
  per measure, the sum of the day's deltas from `deltas` (a relation of account_id,
  delta_date, measure, delta: one row per change of a measure on a day); 0 on days
  without a change. Deltas dated before an account's spine starts (history cap) land on
  its first day. A running or windowed sum over these rows gives each day's state.
-#}
{% macro journey_spine_deltas(deltas, measures) -%}
    select
        spine.account_day_key,
        spine.account_id,
        spine.state_date,
        spine.day_number,
        spine.data_end_date
        {%- for measure in measures %},
        coalesce(daily_deltas.{{ measure }}, 0) as {{ measure }}
        {%- endfor %}
    from spine
    left join (
        select
            clamped.account_id,
            clamped.delta_date
            {%- for measure in measures %},
            sum(case when clamped.measure = '{{ measure }}' then clamped.delta else 0 end) as {{ measure }}
            {%- endfor %}
        from (
            select
                deltas.account_id,
                case
                    when deltas.delta_date < account_starts.state_date then account_starts.state_date
                    else deltas.delta_date
                end as delta_date,
                deltas.measure,
                deltas.delta
            from {{ deltas }} as deltas
            inner join spine as account_starts
                on deltas.account_id = account_starts.account_id and account_starts.day_number = 0
            where deltas.delta_date is not null
        ) as clamped
        group by clamped.account_id, clamped.delta_date
    ) as daily_deltas
        on spine.account_id = daily_deltas.account_id and spine.state_date = daily_deltas.delta_date
{%- endmacro %}
