{#-
  Rolling cadence caps (rule_type rolling_cap, window_kind rolling), per contact or per
  account. Scope contact: message m to contact c violates rule r when the messages to c
  that r counts with sent_at in [m.sent_at - window_days, m.sent_at] -- both ends
  inclusive, messages at the same instant all counted -- number more than max_messages.
  Scope account: the same, counting the messages to ANY contact of m's account (messages
  without an account are neither counted nor checked). One row per (message, rule), with
  the window, its size, its teams and the ids of the messages in it.
  Computed with one RANGE window per distinct window length used by any rolling rule of
  either scope (exact integer microseconds), partitioned by (rule, contact or account),
  never a pairwise self-join: O(n log n) per rule for the sort, O(n) for the frames (the
  lists of ids and teams are O(k log k) per message for k messages in its window).
-#}
-- depends_on: {{ ref('int_policy__rules') }}
with

counted_messages as (
    select * from {{ ref('int_policy__counted_messages') }}
),

counted as (
    select *
    from counted_messages
    where rule_type = 'rolling_cap' and window_kind = 'rolling' and scope_key is not null
),

windowed as (
    {{ policy_sliding_windows(
        'counted', 'window_days',
        policy_window_sizes('window_days', 'rolling_cap', "window_kind = 'rolling'"),
        86400 * 1000000, 'scope_key'
    ) }}
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
    from windowed
    where messages_in_window > max_messages
)

select * from final
