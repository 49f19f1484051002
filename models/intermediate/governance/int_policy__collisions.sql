{#-
  Cross-team collisions (rule_type cross_team_collision, scope contact).
  Message m to contact c violates rule r when the messages to c that r counts with
  sent_at in [m.sent_at - window_hours, m.sent_at] -- both ends inclusive, messages at
  the same instant all counted, m included -- come from min_teams or more distinct teams.
  Only a counted message can violate. max_messages does not apply (null).
  Scope account is not supported (the rule is about one person hearing from several
  teams): int_policy__rules fails the build on such a rule, naming it.
  Counted first, listed after, as int_policy__rolling_caps: one RANGE window per distinct
  window_hours (exact integer microseconds), partitioned by (contact, rule), never a
  pairwise self-join, gives each message the first and last team of its window (min, max).
  Only a window whose first and last teams differ holds two teams or more, so only those
  rows (2% of the counted messages at small scale) get their teams and ids
  (policy_window_evidence), and the teams counted there decide. A rule with min_teams 1 or
  less lists every row.
  Incremental by (rule, contact) (macros/incremental.sql), as int_policy__rolling_caps.
-#}
-- depends_on: {{ ref('int_policy__rules') }}
{%- set incremental = previous_warehouse() is not none %}
{#- the pairs of the collision rules, by rule id: the stored pairs hold no rule parameters -#}
{%- set collision_pairs = "rule_id in (" ~ policy_rule_ids('cross_team_collision') ~ ")" %}
with

counted_messages as (
    {{ policy_counted_messages() }}
),
{% if incremental %}
changed as (
    {{ changed_partitions(ref('int_policy__counted_messages'), 'int_policy__counted_messages',
                          ['rule_id', 'contact_id'], collision_pairs) }}
),
{% endif %}
counted as (
    select *
    from counted_messages
    where {{ collision_pairs }}
    {%- if incremental %}
        and {{ in_changed_partition('changed', [('rule_id', 'counted_messages.rule_id'),
                                                ('contact_id', 'counted_messages.contact_id')]) }}
    {%- endif %}
),

windowed as (
    {{ policy_sliding_windows(
        'counted', 'window_hours',
        policy_window_sizes('window_hours', 'cross_team_collision', default=[48]),
        3600 * 1000000, 'contact_id', team_range=true
    ) }}
),

candidates as (
    select *
    from windowed
    where min_teams <= 1 or first_team_in_window <> last_team_in_window
),

evidence as (
    {{ policy_window_evidence('candidates', 'counted', 'window_hours', 3600 * 1000000, 'contact_id') }}
),

team_counts as (
    select
        candidates.*,
        evidence.teams_in_window,
        evidence.message_ids_in_window,
        {{ list_item_count('evidence.teams_in_window') }} as team_count
    from candidates
    inner join evidence
        on
            candidates.rule_id = evidence.rule_id
            and candidates.message_id = evidence.message_id
),

final as (
    select
        {{ policy_violation_columns(
            window_start=add_interval('hour', '-1 * window_hours', 'sent_at'),
            messages_in_window='messages_in_window',
            teams_in_window='teams_in_window',
            message_ids_in_window='message_ids_in_window',
            reason="cast(team_count as " ~ dbt.type_string() ~ ") || ' teams (' || teams_in_window
                || ') sent this contact ' || cast(messages_in_window as " ~ dbt.type_string() ~ ")
                || ' counted messages in the ' || cast(window_hours as " ~ dbt.type_string() ~ ")
                || ' hours up to this one (collision from ' || cast(min_teams as " ~ dbt.type_string() ~ ")
                || ' teams)'"
        ) }}
    from team_counts
    where team_count >= min_teams
    {%- if incremental %}
    union all
    {{ previous_unchanged_rows('int_policy__collisions', 'changed',
                               [('rule_id', 'previous_rows.rule_id'),
                                ('contact_id', 'previous_rows.contact_id')]) }}
    {%- endif %}
)

select * from final
