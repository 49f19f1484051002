{#-
  Calendar-week caps (rule_type rolling_cap, window_kind calendar_week, scope contact).
  Message m to contact c violates rule r when the number of messages to c that r counts
  (category in counted_categories, not in exempt_categories, channel in channels) sent in
  m's calendar week -- Monday 00:00 to Sunday 24:00 in c's time zone (dim_contacts;
  UTC when unknown) -- up to and including m (sent_at <= m.sent_at: messages at the same
  instant all counted) is greater than max_messages. window_days is not used.
  Scope account is not supported (every contact of an account has its own week): an active
  rule with it fails the build at compile time, naming the rule.
  One window partitioned by (rule, contact, local week), RANGE from the start of the
  partition to the current instant, never a self-join: O(n log n) for the sort, O(n) for
  the frames, O(k log k) per message for the lists (k messages in its window).
  window_start is the UTC instant of the local Monday 00:00: the local week start minus
  the UTC offset in force then (found by correcting the offset at m once, so exact unless
  a UTC-offset change falls within the hour around that midnight); window_end = sent_at.
-#}
{{ assert_no_policy_rules(
    'rolling_cap',
    "window_kind = 'calendar_week' and scope <> 'contact'",
    "window_kind calendar_week is defined in each contact's time zone and supports scope contact only; "
    ~ "use scope contact, or a rolling window for an account-wide cap."
) }}
with

communications as (
    select * from {{ ref('int_core__messages') }}
),

contacts as (
    select * from {{ ref('int_core__contacts') }}
),

policies as (
    select * from {{ ref('communication_policies') }}
),

rules as (
    select
        rule_id,
        description as rule_description,
        severity,
        cast(max_messages as integer) as max_messages,
        counted_categories,
        exempt_categories,
        channels
    from policies
    where
        cast(is_active as boolean)
        and rule_type = 'rolling_cap'
        and scope = 'contact'
        and window_kind = 'calendar_week'
),

localised as (
    select
        communications.message_id,
        communications.contact_id,
        communications.account_id,
        communications.team,
        communications.category,
        communications.channel,
        communications.sent_at,
        coalesce(contacts.time_zone, 'UTC') as time_zone,
        {{ to_local_time('communications.sent_at', "coalesce(contacts.time_zone, 'UTC')") }} as local_sent_at
    from communications
    left join contacts
        on communications.contact_id = contacts.contact_id
    where communications.sent_at is not null
),

counted as (
    select
        rules.rule_id,
        rules.rule_description,
        rules.severity,
        rules.max_messages,
        localised.message_id,
        localised.contact_id,
        localised.account_id,
        localised.team,
        localised.category,
        localised.channel,
        localised.sent_at,
        localised.time_zone,
        {{ dbt.date_trunc('week', 'localised.local_sent_at') }} as local_week_start,
        -- the contact's UTC offset at m, in seconds (offsets are whole seconds)
        cast(
            ({{ epoch_microseconds('localised.local_sent_at') }} - {{ epoch_microseconds('localised.sent_at') }})
            / 1000000 as bigint
        ) as utc_offset_seconds,
        {{ epoch_microseconds('localised.sent_at') }} as sent_at_us,
        -- text that sorts like sent_at: orders the ids listed for each window
        lpad(cast({{ epoch_microseconds('localised.sent_at') }} as {{ dbt.type_string() }}), 20, '0')
            as sent_at_key
    from localised
    inner join rules
        on {{ rule_counts_message('rules', 'localised') }}
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
        {{ dbt.dateadd('second', '-1 * utc_offset_seconds', 'local_week_start') }} as week_start_guess
    from windowed
    where messages_in_window > max_messages
),

final as (
    select
        message_id,
        rule_id,
        'rolling_cap' as rule_type,
        rule_description,
        severity,
        contact_id,
        account_id,
        sent_at,
        team,
        category,
        channel,
        -- the local week start minus the offset in force at (about) that instant
        cast(
            {{ dbt.dateadd(
                'second',
                '-1 * cast((' ~ epoch_microseconds(to_local_time('week_start_guess', 'time_zone'))
                ~ ' - ' ~ epoch_microseconds('week_start_guess') ~ ') / 1000000 as bigint)',
                'local_week_start'
            ) }} as {{ dbt.type_timestamp() }}
        ) as window_start,
        sent_at as window_end,
        max_messages,
        cast(messages_in_window as integer) as messages_in_window,
        cast(
            length(teams_in_window) - length(replace(teams_in_window, ',', '')) + 1 as integer
        ) as team_count_in_window,
        teams_in_window,
        message_ids_in_window,
        cast(messages_in_window as {{ dbt.type_string() }})
        || ' counted messages to this contact in its calendar week (from Monday '
        || cast(cast(local_week_start as date) as {{ dbt.type_string() }}) || ', ' || time_zone
        || ') up to this one (cap ' || cast(max_messages as {{ dbt.type_string() }}) || ')' as reason
    from violations
)

select * from final
