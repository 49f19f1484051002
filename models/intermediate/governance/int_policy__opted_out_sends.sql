{#-
  Sends after an opt-out (rule_type opted_out_send, scope contact).
  Message m to contact c violates rule r when r counts m (category in counted_categories,
  not in exempt_categories, channel in channels) and m.sent_at >= c.opted_out_at, the
  earliest unsubscribe event of c in any system (dim_contacts); a send at the very instant
  of the opt-out violates. A contact opted out only by a flag (CRM or HubSpot property, no
  time of its own: is_opted_out and opted_out_at is null) cannot be dated, so its messages
  are not checked by this rule. The window is [opted_out_at, m.sent_at]; the row lists m
  alone. One hash join of messages to contacts: O(n) for n messages, no self-join.
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
        counted_categories,
        exempt_categories,
        channels
    from policies
    where
        cast(is_active as boolean)
        and rule_type = 'opted_out_send'
),

opted_out_contacts as (
    select
        contact_id,
        opted_out_at,
        opted_out_sources
    from contacts
    where opted_out_at is not null
),

breaches as (
    select
        rules.rule_id,
        rules.rule_description,
        rules.severity,
        communications.message_id,
        communications.contact_id,
        communications.account_id,
        communications.team,
        communications.category,
        communications.channel,
        communications.sent_at,
        opted_out_contacts.opted_out_at,
        opted_out_contacts.opted_out_sources
    from communications
    inner join opted_out_contacts
        on
            communications.contact_id = opted_out_contacts.contact_id
            and communications.sent_at >= opted_out_contacts.opted_out_at
    inner join rules
        on {{ rule_counts_message('rules', 'communications') }}
),

final as (
    select
        message_id,
        rule_id,
        'opted_out_send' as rule_type,
        rule_description,
        severity,
        contact_id,
        account_id,
        sent_at,
        team,
        category,
        channel,
        opted_out_at as window_start,
        sent_at as window_end,
        cast(null as integer) as max_messages,
        cast(1 as integer) as messages_in_window,
        cast(case when team is null then 0 else 1 end as integer) as team_count_in_window,
        team as teams_in_window,
        message_id as message_ids_in_window,
        'sent at ' || cast(sent_at as {{ dbt.type_string() }})
        || ' to a contact who opted out at ' || cast(opted_out_at as {{ dbt.type_string() }})
        || ' (opt-out sources: ' || coalesce(opted_out_sources, 'unknown') || ')' as reason
    from breaches
)

select * from final
