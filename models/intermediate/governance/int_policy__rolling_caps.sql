{#-
  Rolling cadence caps (rule_type rolling_cap, window_kind rolling or null), per contact or
  per account. Scope contact: message m to contact c violates rule r when the messages to c
  that r counts (category in counted_categories, not in exempt_categories, channel in
  channels) with sent_at in [m.sent_at - window_days, m.sent_at] -- both ends inclusive,
  messages at the same instant all counted -- number more than max_messages. Scope
  account: the same, counting the messages to ANY contact of m's account (messages without
  an account are neither counted nor checked). One row per (message, rule), with the
  window, its size, its teams and the ids of the messages in it.
  Computed with one RANGE window per distinct window length (exact integer microseconds)
  partitioned by (rule, contact or account), never a pairwise self-join: O(n log n) per
  rule for the sort, O(n) for the frames (the lists of ids and teams are O(k log k) per
  message for k messages in its window).
-#}
with

communications as (
    select * from {{ ref('fct_communications') }}
),

policies as (
    select * from {{ ref('communication_policies') }}
),

rules as (
    select
        rule_id,
        description as rule_description,
        severity,
        scope,
        cast(window_days as integer) as window_days,
        cast(max_messages as integer) as max_messages,
        counted_categories,
        exempt_categories,
        channels
    from policies
    where
        cast(is_active as boolean)
        and rule_type = 'rolling_cap'
        and scope in ('contact', 'account')
        and coalesce(window_kind, 'rolling') = 'rolling'
),

counted as (
    select
        rules.rule_id,
        rules.rule_description,
        rules.severity,
        rules.scope,
        case
            when rules.scope = 'account' then communications.account_id
            else communications.contact_id
        end as scope_key,
        rules.window_days,
        rules.max_messages,
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
    where
        communications.sent_at is not null
        and (rules.scope = 'contact' or communications.account_id is not null)
),

windowed as (
    {# one window per length used by any rolling rule, of either scope #}
    {% for days in policy_window_sizes(
        'window_days', 'rolling_cap', "scope in ('contact', 'account') and coalesce(window_kind, 'rolling') = 'rolling'"
    ) %}
        select
            counted.*,
            count(*) over rolling_window as messages_in_window,
            {{ window_distinct_list('team', 'rolling_window') }} as teams_in_window,
            {{ window_list('message_id', 'sent_at_key', 'rolling_window') }} as message_ids_in_window
        from counted
        where counted.window_days = {{ days }}
        window
            rolling_window as (
                partition by counted.rule_id, counted.scope_key
                order by counted.sent_at_us
                range between {{ days * 86400 * 1000000 }} preceding and current row
            )
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
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
        {{ dbt.dateadd('day', '-1 * window_days', 'sent_at') }} as window_start,
        sent_at as window_end,
        max_messages,
        cast(messages_in_window as integer) as messages_in_window,
        cast(
            length(teams_in_window) - length(replace(teams_in_window, ',', '')) + 1 as integer
        ) as team_count_in_window,
        teams_in_window,
        message_ids_in_window,
        cast(messages_in_window as {{ dbt.type_string() }})
        || case
            when scope = 'account' then ' counted messages to contacts of this account in the '
            else ' counted messages to this contact in the '
        end
        || cast(window_days as {{ dbt.type_string() }}) || ' days up to this one (cap '
        || cast(max_messages as {{ dbt.type_string() }}) || ')' as reason
    from windowed
    where messages_in_window > max_messages
)

select * from final
