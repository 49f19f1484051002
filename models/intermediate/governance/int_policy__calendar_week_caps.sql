{#-
  Calendar-week caps (rule_type rolling_cap, window_kind calendar_week, scope contact).
  Message m to contact c violates rule r when the number of messages to c that r counts
  sent in m's calendar week -- Monday 00:00 to Sunday 24:00 in c's time zone
  (int_core__contacts; UTC when unknown) -- up to and including m (sent_at <= m.sent_at:
  messages at the same instant all counted) is greater than max_messages. window_days is
  not used. Scope account is not supported (every contact of an account has its own
  week): int_policy__rules fails the build on such a rule, naming it.
  One window partitioned by (rule, contact, local week), RANGE from the start of the
  partition to the current instant, never a self-join: O(n log n) for the sort, O(n) for
  the frames, O(k log k) per message for the lists (k messages in its window).
  window_start is the UTC instant of the local Monday 00:00: the local week start minus
  the UTC offset in force then (found by correcting the offset at m once, so exact unless
  a UTC-offset change falls within the hour around that midnight); window_end = sent_at.
-#}
with

counted_messages as (
    {{ policy_counted_messages() }}
),

localised as (
    select
        *,
        {{ to_local_time('sent_at', 'time_zone') }} as local_sent_at
    from counted_messages
    where rule_type = 'rolling_cap' and window_kind = 'calendar_week' and scope = 'contact'
),

counted as (
    select
        *,
        {{ dbt.date_trunc('week', 'local_sent_at') }} as local_week_start,
        -- the contact's UTC offset at m, in seconds (offsets are whole seconds)
        cast(
            ({{ epoch_microseconds('local_sent_at') }} - sent_at_us) / 1000000 as bigint
        ) as utc_offset_seconds
    from localised
),

windowed as (
    select
        counted.*,
        count(*) over week_so_far as messages_in_window,
        {{ window_distinct_list('team', 'week_so_far') }} as teams_in_window,
        {{ window_list('message_id', 'sent_at_key', 'week_so_far') }} as message_ids_in_window
    from counted
    window
        week_so_far as (
            partition by counted.rule_id, counted.contact_id, counted.local_week_start
            order by counted.sent_at_us
            range between unbounded preceding and current row
        )
),

violations as (
    select
        *,
        -- first guess at the UTC instant of the local week start: with the offset at m
        {{ add_interval('second', '-1 * utc_offset_seconds', 'local_week_start') }} as week_start_guess
    from windowed
    where messages_in_window > max_messages
),

final as (
    select
        {#- window_start: the local week start minus the offset in force at (about) that instant #}
        {{ policy_violation_columns(
            window_start=add_interval(
                'second',
                '-1 * cast((' ~ epoch_microseconds(to_local_time('week_start_guess', 'time_zone'))
                ~ ' - ' ~ epoch_microseconds('week_start_guess') ~ ') / 1000000 as bigint)',
                'local_week_start'
            ),
            max_messages='max_messages',
            messages_in_window='messages_in_window',
            teams_in_window='teams_in_window',
            message_ids_in_window='message_ids_in_window',
            reason="cast(messages_in_window as " ~ dbt.type_string() ~ ")
                || ' counted messages to this contact in its calendar week (from Monday '
                || cast(cast(local_week_start as date) as " ~ dbt.type_string() ~ ") || ', ' || time_zone
                || ') up to this one (cap ' || cast(max_messages as " ~ dbt.type_string() ~ ") || ')'"
        ) }}
    from violations
)

select * from final
