{#-
  Sends in the contact's quiet hours (rule_type quiet_hours, scope contact).
  Message m to contact c violates rule r when r counts m and the hour of m.sent_at on the
  wall clock of c's time zone (int_core__contacts.time_zone, IANA; UTC when unknown) is in the
  quiet period: when quiet_start_hour > quiet_end_hour the period wraps midnight, i.e.
  hour >= quiet_start_hour or hour < quiet_end_hour (the seed's 20 and 8: allowed
  08:00:00-19:59:59, so 07:59 and 20:00 violate, 08:00 does not); when quiet_start_hour <
  quiet_end_hour it is [quiet_start_hour, quiet_end_hour); equal hours mean no quiet
  period (clearinghouse.policy.in_quiet_period is the same). The window is the instant of
  m; the row lists m alone. O(n) for n messages, no self-join.
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
    where rule_type = 'quiet_hours'
),

with_hour as (
    select
        *,
        cast(extract(hour from local_sent_at) as integer) as local_hour
    from localised
),

breaches as (
    select *
    from with_hour
    where
        (
            quiet_start_hour > quiet_end_hour
            and (local_hour >= quiet_start_hour or local_hour < quiet_end_hour)
        )
        or (
            quiet_start_hour < quiet_end_hour
            and local_hour >= quiet_start_hour
            and local_hour < quiet_end_hour
        )
),

final as (
    select
        {{ policy_violation_columns(
            window_start='sent_at',
            reason="'sent at ' || cast(local_sent_at as " ~ dbt.type_string() ~ ") || ' local time (' || time_zone
                || '), inside the quiet hours ' || lpad(cast(quiet_start_hour as " ~ dbt.type_string() ~ "), 2, '0')
                || ':00-' || lpad(cast(quiet_end_hour as " ~ dbt.type_string() ~ "), 2, '0') || ':00'"
        ) }}
    from breaches
)

select * from final
