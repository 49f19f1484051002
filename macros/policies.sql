{#-
  Policy helpers for the int_policy__* models. The rules are read once, parsed and checked
  (int_policy__rules, validate_policy_rules), every (message, rule that counts it) pair is
  built once (int_policy__counted_messages, rule_counts_message), and every rule model ends
  with the same violation columns (policy_violation_columns). A RANGE frame needs a
  constant offset, so a windowed model builds one window per distinct window size of its
  active rules, read from int_policy__rules at compile time (policy_window_sizes, through
  read_seed). A dbt unit test's ref is a fixture CTE, so the generated unit tests name
  their fixture rules' sizes in the var `policy_<column>_sizes`, which then wins. Before
  the relations exist (parsing, linting, a fresh database) sizes are the default and the
  rule checks pass.
-#}

{#-
  The distinct, non-null integer values of `column` (e.g. window_days, window_hours) over
  the active rules (int_policy__rules) of one type that also match `condition`. The
  calling model must `-- depends_on: ref('int_policy__rules')`.
-#}
{% macro policy_window_sizes(column, rule_type, condition='true', default=[7]) -%}
    {#- a unit test sets the sizes of its fixture rules; its ref is a CTE, not the model -#}
    {% set given = var('policy_' ~ column ~ '_sizes', none) %}
    {% if given is not none %}
        {{ return(given) }}
    {% endif %}
    {% set rows = read_seed(
        'int_policy__rules', [column],
        where="rule_type = '" ~ rule_type ~ "' and " ~ column ~ " is not null and (" ~ condition ~ ")"
    ) %}
    {% if rows is none %}
        {{ return(default) }}
    {% endif %}
    {% set sizes = rows | map(attribute=column) | map('int') | unique | sort | list %}
    {{ return(sizes if sizes | length > 0 else default) }}
{%- endmacro %}


{#-
  Fail the build, naming the rules, when an active rule of the policy seed cannot be
  checked as written: its rule_type is not in the registry (seed policy_rule_types), its
  scope or window_kind is not one its type supports, a parameter its type requires is
  empty, or a combination no model honours (a calendar_week window for an account, a
  rolling cap without window_days). Called by int_policy__rules, which refs both seeds.
-#}
{% macro validate_policy_rules() -%}
    {% set policies = queryable_seed('communication_policies') %}
    {% set registry = queryable_seed('policy_rule_types') %}
    {% if policies is none or registry is none %}
        {{ return('') }}
    {% endif %}
    {% set types = run_query(
        'select rule_type, scopes, window_kinds, required_parameters from ' ~ registry ~ ' order by 1'
    ) %}
    {% set known = types.columns[0].values() | list %}
    {% set problems = [] %}
    {% set unknown = run_query(
        'select rule_id, rule_type from ' ~ policies ~ ' where cast(is_active as boolean) and '
        ~ "coalesce(rule_type, '') not in ('" ~ (known | join("', '")) ~ "') order by 1"
    ) %}
    {% for row in unknown.rows %}
        {% do problems.append(row[0] ~ ': unknown rule_type ' ~ row[1] ~ ' (known: ' ~ (known | join(', ')) ~ ')') %}
    {% endfor %}
    {% for row in types.rows %}
        {% set scopes = (row[1] or '').split('|') %}
        {% set kinds = (row[2] or '').split('|') | reject('equalto', '') | list %}
        {% set checks = [
            "case when coalesce(scope, '') not in ('" ~ (scopes | join("', '")) ~ "') then 'scope '"
            ~ " || coalesce(scope, 'empty') || ' (supported: " ~ (scopes | join(', ')) ~ ")' end",
            "case when coalesce(window_kind, 'rolling') not in ('" ~ ((kinds or ['rolling']) | join("', '"))
            ~ "') then 'window_kind ' || window_kind || ' (supported: " ~ ((kinds or ['none']) | join(', ')) ~ ")' end",
        ] %}
        {% for parameter in (row[3] or '').split('|') if parameter %}
            {% do checks.append("case when " ~ parameter ~ " is null then 'no " ~ parameter ~ "' end") %}
        {% endfor %}
        {% if row[0] == 'rolling_cap' %}
            {% do checks.append("case when window_kind = 'calendar_week' and scope <> 'contact' then "
                ~ "'calendar_week is defined in each contact''s time zone and supports scope contact only; "
                ~ "use a rolling window for an account-wide cap' end") %}
            {% do checks.append("case when coalesce(window_kind, 'rolling') = 'rolling' and window_days is null "
                ~ "then 'no window_days for a rolling window' end") %}
        {% endif %}
        {% set query %}
            select rule_id, problem
            from (
                select rule_id, concat_ws('; ', {{ checks | join(', ') }}) as problem
                from {{ policies }}
                where cast(is_active as boolean) and rule_type = '{{ row[0] }}'
            ) as checked
            where problem <> ''
            order by 1
        {% endset %}
        {% for problem in run_query(query).rows %}
            {% do problems.append(problem[0] ~ ' (' ~ row[0] ~ '): ' ~ problem[1]) %}
        {% endfor %}
    {% endfor %}
    {% if problems | length > 0 %}
        {{ exceptions.raise_compiler_error(
            "communication_policies: active rule(s) that cannot be checked (see seeds/policy_rule_types.csv):\n  - "
            ~ (problems | join('\n  - '))
        ) }}
    {% endif %}
{%- endmacro %}


{#-
  Does a rule count a message? The one definition (used by int_policy__counted_messages):
  the message's category is in the rule's counted_categories and not in its
  exempt_categories, and its channel is in the rule's channels ('*' = every channel).
-#}
{% macro rule_counts_message(rules, messages) -%}
    {{ list_contains(rules ~ '.counted_categories', messages ~ '.category') }}
    and not {{ list_contains(rules ~ '.exempt_categories', messages ~ '.category') }}
    and ({{ rules }}.channels = '*' or {{ list_contains(rules ~ '.channels', messages ~ '.channel') }})
{%- endmacro %}


{#-
  What the int_policy__* models read: the counted (message, rule) pairs
  (int_policy__counted_messages, stored narrow: its largest table) with their rule's
  parameters, joined from int_policy__rules where they are defined once, and the send time
  as text that sorts like it (sent_at_key, to order the ids listed for a window). Columns a
  model does not read are never read from storage (projection pushdown).
-#}
{% macro policy_counted_messages() -%}
    select
        counted.rule_id,
        rules.rule_type,
        rules.scope,
        rules.rule_description,
        rules.severity,
        rules.window_kind,
        rules.window_days,
        rules.window_hours,
        rules.max_messages,
        rules.min_teams,
        rules.quiet_start_hour,
        rules.quiet_end_hour,
        rules.lookback_days,
        rules.ticket_priorities,
        rules.csat_max_score,
        counted.message_id,
        counted.contact_id,
        counted.account_id,
        counted.team,
        counted.category,
        counted.channel,
        counted.sender_id,
        counted.sent_at,
        counted.scope_key,
        counted.time_zone,
        counted.sent_at_us,
        lpad(cast(counted.sent_at_us as {{ dbt.type_string() }}), 20, '0') as sent_at_key
    from {{ ref('int_policy__counted_messages') }} as counted
    inner join {{ ref('int_policy__rules') }} as rules
        on counted.rule_id = rules.rule_id
{%- endmacro %}


{#-
  The rule ids of the active rules of one type that match `condition` (columns of
  int_policy__rules), as a subquery: a filter on the narrow counted pairs.
-#}
{% macro policy_rule_ids(rule_type, condition='true') -%}
    select policy_rules.rule_id
    from {{ ref('int_policy__rules') }} as policy_rules
    where policy_rules.rule_type = '{{ rule_type }}' and ({{ condition }})
{%- endmacro %}


{#-
  The columns of every policy violation row, in order and with their types, over a
  relation that has the columns of policy_counted_messages(). Rules judged on the
  message alone keep the defaults: the row lists m alone (messages_in_window 1, its team,
  its id) and has no cap; windowed rules pass their window's count, teams and ids.
-#}
{% macro policy_violation_columns(
    window_start,
    reason,
    max_messages='null',
    messages_in_window='1',
    teams_in_window='team',
    message_ids_in_window='message_id'
) -%}
    message_id,
    rule_id,
    rule_type,
    rule_description,
    severity,
    contact_id,
    account_id,
    sent_at,
    team,
    category,
    channel,
    cast({{ window_start }} as {{ dbt.type_timestamp() }}) as window_start,
    sent_at as window_end,
    cast({{ max_messages }} as integer) as max_messages,
    cast({{ messages_in_window }} as integer) as messages_in_window,
    {% if teams_in_window == 'team' -%}
        cast(case when team is null then 0 else 1 end as integer) as team_count_in_window,
    {%- else -%}
        {{ list_item_count(teams_in_window) }} as team_count_in_window,
    {%- endif %}
    {{ teams_in_window }} as teams_in_window,
    {{ message_ids_in_window }} as message_ids_in_window,
    {{ reason }} as reason
{%- endmacro %}


{#-
  The sliding windows of a windowed rule model: for each window size in `sizes` (values of
  `size_column`, in units of `unit_microseconds`), the rows of `relation` with that size,
  each with the number of the rows of its partition (rule_id, `partition_key`) whose
  sent_at_us lies in [m - size, m] -- one RANGE frame per size (a frame offset must be a
  constant), unioned. Never a self-join. With team_range, also the first and last team of
  the frame in sort order (min, max: they differ exactly when the frame holds two teams or
  more), a count of teams without collecting them. The lists of ids and teams cost far more
  than the count: a model builds them for its violating rows alone (policy_window_evidence).
  The partition key comes before the rule id: sorting on the rule id first (the same long
  text in every row of a rule) compares it again and again.
-#}
{% macro policy_sliding_windows(relation, size_column, sizes, unit_microseconds, partition_key, team_range=false) -%}
    {% for size in sizes %}
        select
            {{ relation }}.*,
            {%- if team_range %}
                min({{ relation }}.team) over sliding_window as first_team_in_window,
                max({{ relation }}.team) over sliding_window as last_team_in_window,
            {%- endif %}
            count(*) over sliding_window as messages_in_window
        from {{ relation }}
        where {{ relation }}.{{ size_column }} = {{ size }}
        window
            sliding_window as (
                partition by {{ relation }}.{{ partition_key }}, {{ relation }}.rule_id
                order by {{ relation }}.sent_at_us
                range between {{ size * unit_microseconds }} preceding and current row
            )
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}


{#-
  The evidence of the violating rows of a windowed rule, built for them alone: for each
  row of `violations` (rule_id, message_id, messages_in_window, `partition_key`,
  sent_at_us, `size_column`), the distinct teams and the ids (by sent_at, then id) of the
  rows of `relation` (the rule's counted rows, with team, message_id, sent_at_key and
  `size_column`) in its partition with sent_at_us in [m - size, m]: the rows its RANGE
  frame counted, the same text as window_list / window_distinct_list. Time is cut into
  buckets a microsecond longer than the window, so a window reaches m's bucket and the one
  before: each violating row is joined (rule, partition key, bucket: an equi-join) to the
  rows of those two buckets, then kept in the exact range. Work in proportion to the
  messages near the violating rows, never a pairwise join over whole partitions.
-#}
{% macro policy_window_evidence(violations, relation, size_column, unit_microseconds, partition_key) -%}
    {#- buckets one microsecond longer than the window: never empty (a window of size 0) -#}
    {%- set bucket = 'cast(floor({0}.sent_at_us / ({0}.' ~ size_column ~ ' * ' ~ unit_microseconds ~ ' + 1)) as bigint)' -%}
    select
        near.rule_id,
        near.message_id,
        near.messages_in_window,
        {{ agg_sorted_distinct_list('in_window.team') }} as teams_in_window,
        {{ agg_sorted_list('in_window.message_id', 'in_window.sent_at_key') }} as message_ids_in_window
    from (
        {%- for step in [0, 1] %}
            select
                {{ violations }}.rule_id,
                {{ violations }}.message_id,
                {{ violations }}.messages_in_window,
                {{ violations }}.{{ partition_key }},
                {{ violations }}.sent_at_us,
                {{ violations }}.{{ size_column }} * {{ unit_microseconds }} as window_microseconds,
                {{ bucket.format(violations) }} - {{ step }} as bucket
            from {{ violations }}
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ) as near
    inner join {{ relation }} as in_window
        on
            near.rule_id = in_window.rule_id
            and near.{{ partition_key }} = in_window.{{ partition_key }}
            and near.bucket = {{ bucket.format('in_window') }}
    where in_window.sent_at_us between near.sent_at_us - near.window_microseconds and near.sent_at_us
    group by near.rule_id, near.message_id, near.messages_in_window
{%- endmacro %}
