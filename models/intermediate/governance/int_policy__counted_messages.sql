{#-
  Every (message, active rule that counts it) pair: the one place where a rule's
  counted_categories, exempt_categories and channels ('*' = all) are applied
  (rule_counts_message), with the message (int_core__messages: messages with a time and a
  contact), the contact's time zone (int_core__contacts, UTC when unknown), the key of the
  rule's scope (contact_id, or account_id for scope account: null when the message has no
  account) and the send time as exact integer microseconds (sent_at_us).
  Only counted messages fill windows and only counted messages can violate a rule.
  O(n x r) rows for n messages and r rules (a hash-free cross join filtered by the lists),
  so the rows are kept narrow: the rule's parameters are not copied onto each of them. The
  int_policy__* models read the pairs with their rule's parameters through
  policy_counted_messages() (macros/policies.sql).
-#}
with

communications as (
    select * from {{ ref('int_core__messages') }}
),

contacts as (
    select * from {{ ref('int_core__contacts') }}
),

rules as (
    select * from {{ ref('int_policy__rules') }}
),

final as (
    select
        rules.rule_id,
        communications.message_id,
        communications.contact_id,
        communications.account_id,
        communications.team,
        communications.category,
        communications.channel,
        communications.sender_id,
        communications.sent_at,
        case
            when rules.scope = 'account' then communications.account_id
            else communications.contact_id
        end as scope_key,
        coalesce(contacts.time_zone, 'UTC') as time_zone,
        {{ epoch_microseconds('communications.sent_at') }} as sent_at_us
    from communications
    inner join rules
        on {{ rule_counts_message('rules', 'communications') }}
    left join contacts
        on communications.contact_id = contacts.contact_id
    where communications.sent_at is not null and communications.contact_id is not null
)

select * from final
