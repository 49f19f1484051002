{#-
  What a single vendor's own frequency cap would miss. For every count-based violation
  (rule_type `rolling_cap`: a cap of max_messages in a window) and every source system: how
  many of the counted messages in the violation's window that system saw itself, and whether
  its own count alone was over the cap (then the vendor's own cap would have caught the
  violation). One row per rule and source system. The window messages are found by their
  ids in message_ids_in_window, among the messages to the same account (or, without an
  account, the same contact) inside the window.
-#}
with

violations as (
    select * from {{ ref('fct_cadence_violations') }}
    where rule_type = 'rolling_cap' and max_messages is not null
),

communications as (
    select * from {{ ref('fct_communications') }}
),

source_systems as (
    select distinct source_system
    from communications
    where source_system is not null
),

window_messages as (
    select
        violations.violation_id,
        communications.source_system,
        count(*) as messages_seen
    from violations
    inner join communications
        on
            coalesce(violations.account_id, violations.contact_id)
            = coalesce(communications.account_id, communications.contact_id)
            and communications.sent_at between violations.window_start and violations.window_end
            and {{ list_contains(
                "replace(violations.message_ids_in_window, ',', '|')", 'communications.message_id'
            ) }}
    group by violations.violation_id, communications.source_system
),

per_violation_source as (
    select
        violations.violation_id,
        violations.rule_id,
        violations.rule_description,
        violations.severity,
        violations.max_messages,
        source_systems.source_system,
        coalesce(window_messages.messages_seen, 0) as messages_seen
    from violations
    cross join source_systems
    left join window_messages
        on
            violations.violation_id = window_messages.violation_id
            and source_systems.source_system = window_messages.source_system
),

final as (
    select
        rule_id,
        source_system,
        min(rule_description) as rule_description,
        min(severity) as severity,
        cast(min(max_messages) as integer) as max_messages,
        cast(count(*) as integer) as violations,
        cast(count(case when messages_seen > 0 then 1 end) as integer) as violations_seen,
        cast(count(case when messages_seen > max_messages then 1 end) as integer)
            as violations_caught,
        cast(count(case when messages_seen <= max_messages then 1 end) as integer)
            as violations_missed,
        cast(count(case when messages_seen <= max_messages then 1 end) as double) / count(*)
            as share_missed
    from per_violation_source
    group by rule_id, source_system
)

select * from final
