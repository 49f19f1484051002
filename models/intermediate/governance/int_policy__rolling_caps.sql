{#-
  Rolling cadence caps (rule_type rolling_cap, window_kind rolling), per contact or per
  account. Scope contact: message m to contact c violates rule r when the messages to c
  that r counts with sent_at in [m.sent_at - window_days, m.sent_at] -- both ends
  inclusive, messages at the same instant all counted -- number more than max_messages.
  Scope account: the same, counting the messages to ANY contact of m's account (messages
  without an account are neither counted nor checked). One row per (message, rule), with
  the window, its size, its teams and the ids of the messages in it.
  Counted first, listed after: one RANGE window count per distinct window length used by
  any rolling rule of either scope (exact integer microseconds), partitioned by (rule,
  contact or account), over the narrow counted rows: O(n log n) per rule for the sort, O(n)
  for the frames, never a pairwise self-join. Only the violating rows get their teams and
  ids (policy_window_evidence: the messages of their windows, through an equi-join on the
  window's time bucket, O(k log k) for k messages in the window), as the lists of every
  counted row would cost far more than the count (issue 12).
  Incremental by (rule, contact or account) (macros/incremental.sql): in an incremental
  build, a partition whose counted rows are all as in the previous build keeps the previous
  build's violations; the windows of the other partitions are computed.
-#}
-- depends_on: {{ ref('int_policy__rules') }}
{%- set incremental = previous_warehouse() is not none %}
{#- the pairs of the rolling rules, by rule id: the stored pairs hold no rule parameters -#}
{%- set rolling_pairs = "rule_id in (" ~ policy_rule_ids('rolling_cap', "window_kind = 'rolling'")
                        ~ ") and scope_key is not null" %}
with
{% if incremental %}
changed as (
    {{ changed_partitions(ref('int_policy__counted_messages'), 'int_policy__counted_messages',
                          ['rule_id', 'scope_key'], rolling_pairs) }}
),
{% endif %}

counted as (
    -- what the count and the evidence read, the rows of the rolling rules: the window sorts
    -- these narrow rows, and the wide ones are read for the violating rows alone (explained)
    select
        counted_messages.rule_id,
        counted_messages.scope_key,
        counted_messages.message_id,
        counted_messages.team,
        counted_messages.sent_at_us,
        counted_messages.sent_at_key,
        counted_messages.window_days,
        counted_messages.max_messages
    -- the pairs with their rule, read here and in explained as subqueries (a CTE read twice
    -- would be materialised whole, every column of every pair)
    from ({{ policy_counted_messages() }}) as counted_messages
    where {{ rolling_pairs }}
    {%- if incremental %}
        and {{ in_changed_partition('changed', [('rule_id', 'counted_messages.rule_id'),
                                                ('scope_key', 'counted_messages.scope_key')]) }}
    {%- endif %}
),

windowed as (
    {{ policy_sliding_windows(
        'counted', 'window_days',
        policy_window_sizes('window_days', 'rolling_cap', "window_kind = 'rolling'"),
        86400 * 1000000, 'scope_key'
    ) }}
),

violating as (
    select *
    from windowed
    where messages_in_window > max_messages
),

evidence as (
    {{ policy_window_evidence('violating', 'counted', 'window_days', 86400 * 1000000, 'scope_key') }}
),

explained as (
    select
        counted_messages.rule_id,
        counted_messages.rule_type,
        counted_messages.rule_description,
        counted_messages.severity,
        counted_messages.scope,
        counted_messages.window_days,
        counted_messages.max_messages,
        counted_messages.message_id,
        counted_messages.contact_id,
        counted_messages.account_id,
        counted_messages.team,
        counted_messages.category,
        counted_messages.channel,
        counted_messages.sent_at,
        evidence.messages_in_window,
        evidence.teams_in_window,
        evidence.message_ids_in_window
    from ({{ policy_counted_messages() }}) as counted_messages
    inner join evidence
        on
            counted_messages.rule_id = evidence.rule_id
            and counted_messages.message_id = evidence.message_id
),

final as (
    select
        {{ policy_violation_columns(
            window_start=add_interval('day', '-1 * window_days', 'sent_at'),
            max_messages='max_messages',
            messages_in_window='messages_in_window',
            teams_in_window='teams_in_window',
            message_ids_in_window='message_ids_in_window',
            reason="cast(messages_in_window as " ~ dbt.type_string() ~ ")
                || case
                    when scope = 'account' then ' counted messages to contacts of this account in the '
                    else ' counted messages to this contact in the '
                end
                || cast(window_days as " ~ dbt.type_string() ~ ") || ' days up to this one (cap '
                || cast(max_messages as " ~ dbt.type_string() ~ ") || ')'"
        ) }}
    from explained
    {%- if incremental %}
    union all
    {{ previous_unchanged_rows(
        'int_policy__rolling_caps', 'changed',
        [('rule_id', 'previous_rows.rule_id'),
         ('scope_key', "case when previous_rules.scope = 'account' then previous_rows.account_id
                        else previous_rows.contact_id end")],
        joins='inner join ' ~ previous_table('int_policy__rules') ~ ' as previous_rules
            on previous_rows.rule_id = previous_rules.rule_id'
    ) }}
    {%- endif %}
)

select * from final
