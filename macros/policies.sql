{#-
  Policy helpers for the int_policy__* models: what a rule counts (rule_counts_message,
  at the end) and compile-time reads of the policy seed. A RANGE frame needs
  a constant offset, so a model builds one window per distinct window size of its active
  rules; and a rule whose combination of columns a model cannot honour must fail the build
  loudly rather than be skipped in silence. Before the seed exists (parsing, linting, a
  fresh database) and in dbt unit tests (where the ref is a fixture CTE) the seed cannot
  be read: sizes fall back to the default and checks pass.
-#}

{#-
  The distinct, non-null integer values of `column` (e.g. window_days, window_hours) over
  the active rules of one type that also match `condition` (SQL over the seed's columns).
-#}
{% macro policy_window_sizes(column, rule_type, condition='true', default=[7]) -%}
    {% set seed = queryable_seed('communication_policies') %}
    {% if seed is none %}
        {{ return(default) }}
    {% endif %}
    {% set query %}
        select distinct cast({{ column }} as integer) as window_size
        from {{ seed }}
        where
            cast(is_active as boolean)
            and rule_type = '{{ rule_type }}'
            and {{ column }} is not null
            and ({{ condition }})
        order by 1
    {% endset %}
    {% set sizes = run_query(query).columns[0].values() | list %}
    {{ return(sizes if sizes | length > 0 else default) }}
{%- endmacro %}


{#-
  Fail the build, naming the rules, when an active rule of `rule_type` matches
  `condition`: a combination the model does not support.
-#}
{% macro assert_no_policy_rules(rule_type, condition, explanation) -%}
    {% set seed = queryable_seed('communication_policies') %}
    {% if seed is not none %}
        {% set query %}
            select rule_id
            from {{ seed }}
            where cast(is_active as boolean) and rule_type = '{{ rule_type }}' and ({{ condition }})
            order by 1
        {% endset %}
        {% set rule_ids = run_query(query).columns[0].values() | list %}
        {% if rule_ids | length > 0 %}
            {{ exceptions.raise_compiler_error(
                "communication_policies: active " ~ rule_type ~ " rule(s) " ~ (rule_ids | join(', '))
                ~ " cannot be checked: " ~ explanation
            ) }}
        {% endif %}
    {% endif %}
{%- endmacro %}


{#-
  Does a rule count a message? The one definition every policy model uses: the message's
  category is in the rule's counted_categories and not in its exempt_categories, and its
  channel is in the rule's channels ('*' = every channel).
-#}
{% macro rule_counts_message(rules, messages) -%}
    {{ list_contains(rules ~ '.counted_categories', messages ~ '.category') }}
    and not {{ list_contains(rules ~ '.exempt_categories', messages ~ '.category') }}
    and ({{ rules }}.channels = '*' or {{ list_contains(rules ~ '.channels', messages ~ '.channel') }})
{%- endmacro %}
