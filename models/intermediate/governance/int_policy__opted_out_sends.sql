{#-
  Sends after an opt-out (rule_type opted_out_send, scope contact).
  Message m to contact c violates rule r when r counts m and m.sent_at >= c.opted_out_at,
  the earliest unsubscribe event of c in any system (int_core__contacts); a send at the very
  instant of the opt-out violates. A contact opted out only by a flag (CRM or HubSpot
  property, no time of its own: is_opted_out and opted_out_at is null) cannot be dated,
  so its messages are not checked by this rule. The window is [opted_out_at, m.sent_at];
  the row lists m alone. One hash join of messages to contacts: O(n), no self-join.
-#}
with

counted_messages as (
    {{ policy_counted_messages() }}
),

contacts as (
    select * from {{ ref('int_core__contacts') }}
),

breaches as (
    select
        counted_messages.*,
        contacts.opted_out_at,
        contacts.opted_out_sources
    from counted_messages
    inner join contacts
        on
            counted_messages.contact_id = contacts.contact_id
            and counted_messages.sent_at >= contacts.opted_out_at
    where counted_messages.rule_type = 'opted_out_send'
),

final as (
    select
        {{ policy_violation_columns(
            window_start='opted_out_at',
            reason="'sent at ' || cast(sent_at as " ~ dbt.type_string() ~ ")
                || ' to a contact who opted out at ' || cast(opted_out_at as " ~ dbt.type_string() ~ ")
                || ' (opt-out sources: ' || coalesce(opted_out_sources, 'unknown') || ')'"
        ) }}
    from breaches
)

select * from final
