{#-
  Cross-team collisions (rule_type cross_team_collision, scope contact).
  Message m to contact c violates rule r when the messages to c that r counts (category in
  counted_categories, not in exempt_categories, channel in channels) with sent_at in
  [m.sent_at - window_hours, m.sent_at] -- both ends inclusive, messages at the same
  instant all counted, m included -- come from min_teams or more distinct teams. Only a
  counted message can violate. max_messages does not apply (null).
  Scope account is not supported (the rule is about one person hearing from several
  teams): an active rule with it fails the build at compile time, naming the rule.
  One RANGE window per distinct window_hours (exact integer microseconds), partitioned by
  (rule, contact), never a pairwise self-join: O(n log n) per rule for the sort, O(n) for
  the frames, O(k log k) per message for the lists of ids and teams (k in its window).
-#}
{{ assert_no_policy_rules(
    'cross_team_collision',
    "scope <> 'contact' or coalesce(window_kind, 'rolling') <> 'rolling'",
    "cross-team collisions support scope contact with a rolling window_hours window only."
) }}
with

communications as (
    select * from {{ ref('int_core__messages') }}
),

policies as (
    select * from {{ ref('communication_policies') }}
),

rules as (
    select
        rule_id,
        description as rule_description,
        severity,
        cast(window_hours as integer) as window_hours,
        cast(min_teams as integer) as min_teams,
        counted_categories,
        exempt_categories,
        channels
    from policies
    where
        cast(is_active as boolean)
        and rule_type = 'cross_team_collision'
        and scope = 'contact'
        and coalesce(window_kind, 'rolling') = 'rolling'
),

counted as (
    select
        rules.rule_id,
        rules.rule_description,
        rules.severity,
        rules.window_hours,
        rules.min_teams,
        communications.message_id,
        communications.contact_id,
        communications.account_id,
        communications.team,
        communications.category,
        communications.channel,
        communications.sent_at,
        {{ epoch_microseconds('communications.sent_at') }} as sent_at_us,
        -- text that sorts like sent_at: orders the ids listed for each window
        lpad(cast({{ epoch_microseconds('communications.sent_at') }} as {{ dbt.type_string() }}), 20, '0')
            as sent_at_key
    from communications
    inner join rules
        on {{ rule_counts_message('rules', 'communications') }}
    where communications.sent_at is not null
),

windowed as (
    {% for hours in policy_window_sizes('window_hours', 'cross_team_collision', default=[48]) %}
        select
            counted.*,
            count(*) over collision_window as messages_in_window,
            {{ window_distinct_list('team', 'collision_window') }} as teams_in_window,
            {{ window_list('message_id', 'sent_at_key', 'collision_window') }} as message_ids_in_window
        from counted
        where counted.window_hours = {{ hours }}
        window
            collision_window as (
                partition by counted.rule_id, counted.contact_id
                order by counted.sent_at_us
                range between {{ hours * 3600 * 1000000 }} preceding and current row
            )
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

team_counts as (
    select
        *,
        cast(
            length(teams_in_window) - length(replace(teams_in_window, ',', '')) + 1 as integer
        ) as team_count_in_window
    from windowed
),

final as (
    select
        message_id,
        rule_id,
        'cross_team_collision' as rule_type,
        rule_description,
        severity,
        contact_id,
        account_id,
        sent_at,
        team,
        category,
        channel,
        {{ dbt.dateadd('hour', '-1 * window_hours', 'sent_at') }} as window_start,
        sent_at as window_end,
        cast(null as integer) as max_messages,
        cast(messages_in_window as integer) as messages_in_window,
        team_count_in_window,
        teams_in_window,
        message_ids_in_window,
        cast(team_count_in_window as {{ dbt.type_string() }}) || ' teams (' || teams_in_window
        || ') sent this contact ' || cast(messages_in_window as {{ dbt.type_string() }})
        || ' counted messages in the ' || cast(window_hours as {{ dbt.type_string() }})
        || ' hours up to this one (collision from ' || cast(min_teams as {{ dbt.type_string() }})
        || ' teams)' as reason
    from team_counts
    where team_count_in_window >= min_teams
)

select * from final
