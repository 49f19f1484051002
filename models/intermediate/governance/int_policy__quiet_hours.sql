{#-
  Sends in the contact's quiet hours (rule_type quiet_hours, scope contact).
  Message m to contact c violates rule r when r counts m (category in counted_categories,
  not in exempt_categories, channel in channels) and the hour of m.sent_at on the wall
  clock of c's time zone (dim_contacts.time_zone, IANA; UTC when unknown) is in the quiet
  period [quiet_start_hour, quiet_end_hour): when quiet_start_hour > quiet_end_hour the
  period wraps midnight, i.e. hour >= quiet_start_hour or hour < quiet_end_hour (the seed's
  20 and 8: allowed 08:00:00-19:59:59, so 07:59 and 20:00 violate, 08:00 does not); when
  quiet_start_hour < quiet_end_hour it is hour >= quiet_start_hour and hour < quiet_end_hour;
  equal hours mean no quiet period. A rule missing either hour checks nothing. The window
  is the instant of m; the row lists m alone. O(n) for n messages, no self-join.
-#}
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
        cast(quiet_start_hour as integer) as quiet_start_hour,
        cast(quiet_end_hour as integer) as quiet_end_hour,
        counted_categories,
        exempt_categories,
        channels
    from policies
    where
        cast(is_active as boolean)
        and rule_type = 'quiet_hours'
        and quiet_start_hour is not null
        and quiet_end_hour is not null
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

with_hour as (
    select
        *,
        cast(extract(hour from local_sent_at) as integer) as local_hour
    from localised
),

breaches as (
    select
        rules.rule_id,
        rules.rule_description,
        rules.severity,
        rules.quiet_start_hour,
        rules.quiet_end_hour,
        with_hour.message_id,
        with_hour.contact_id,
        with_hour.account_id,
        with_hour.team,
        with_hour.category,
        with_hour.channel,
        with_hour.sent_at,
        with_hour.time_zone,
        with_hour.local_sent_at,
        with_hour.local_hour
    from with_hour
    inner join rules
        on {{ rule_counts_message('rules', 'with_hour') }}
    where
        (
            rules.quiet_start_hour > rules.quiet_end_hour
            and (with_hour.local_hour >= rules.quiet_start_hour or with_hour.local_hour < rules.quiet_end_hour)
        )
        or (
            rules.quiet_start_hour < rules.quiet_end_hour
            and with_hour.local_hour >= rules.quiet_start_hour
            and with_hour.local_hour < rules.quiet_end_hour
        )
),

final as (
    select
        message_id,
        rule_id,
        'quiet_hours' as rule_type,
        rule_description,
        severity,
        contact_id,
        account_id,
        sent_at,
        team,
        category,
        channel,
        sent_at as window_start,
        sent_at as window_end,
        cast(null as integer) as max_messages,
        cast(1 as integer) as messages_in_window,
        cast(case when team is null then 0 else 1 end as integer) as team_count_in_window,
        team as teams_in_window,
        message_id as message_ids_in_window,
        'sent at ' || cast(local_sent_at as {{ dbt.type_string() }}) || ' local time (' || time_zone
        || '), inside the quiet hours ' || lpad(cast(quiet_start_hour as {{ dbt.type_string() }}), 2, '0')
        || ':00-' || lpad(cast(quiet_end_hour as {{ dbt.type_string() }}), 2, '0') || ':00' as reason
    from breaches
)

select * from final
