{#-
  Outreach behind the account owner's back (rule_type owner_not_looped, account level).
  Message m to a contact of account a violates rule r when r counts m (category in
  counted_categories, not in exempt_categories, channel in channels), m's team differs from
  the owner's team (dim_accounts.owner_team) and the owner (dim_accounts.owner_user_id)
  sent no message -- any category, any channel, to any contact of a
  (fct_communications.sender_id = owner_user_id and account_id = a) -- with sent_at in
  [m.sent_at - lookback_days, m.sent_at): a touch exactly lookback_days before m counts, a
  touch at the same instant as m does not (it is not before m). Accounts without an owner
  or whose owner has no known team, and messages without an account, are not checked.
  The window is [m.sent_at - lookback_days, m.sent_at]; the row lists m alone and the
  reason names the owner's last touch before m.
  The owner's last touch before each message is one window function over the account's
  messages ordered by exact integer microseconds, with the frame ending 1 microsecond
  before m (so same-instant messages never see each other), never a self-join:
  O(n log n) for the sort, O(n) for the frames.
-#}
with

communications as (
    select * from {{ ref('int_core__messages') }}
),

accounts as (
    select * from {{ ref('int_core__accounts') }}
),

policies as (
    select * from {{ ref('communication_policies') }}
),

rules as (
    select
        rule_id,
        description as rule_description,
        severity,
        cast(lookback_days as integer) as lookback_days,
        counted_categories,
        exempt_categories,
        channels
    from policies
    where
        cast(is_active as boolean)
        and rule_type = 'owner_not_looped'
        and lookback_days is not null
),

owned_accounts as (
    select
        account_id,
        owner_user_id,
        owner_name,
        owner_team
    from accounts
    where owner_user_id is not null and owner_team is not null
),

account_messages as (
    select
        communications.message_id,
        communications.contact_id,
        communications.account_id,
        communications.team,
        communications.category,
        communications.channel,
        communications.sent_at,
        owned_accounts.owner_user_id,
        owned_accounts.owner_name,
        owned_accounts.owner_team,
        case
            when communications.sender_id = owned_accounts.owner_user_id then communications.sent_at
        end as owner_touch_at,
        {{ epoch_microseconds('communications.sent_at') }} as sent_at_us
    from communications
    inner join owned_accounts
        on communications.account_id = owned_accounts.account_id
    where communications.sent_at is not null
),

with_last_touch as (
    select
        *,
        max(owner_touch_at) over (
            partition by account_id
            order by sent_at_us
            range between unbounded preceding and 1 preceding
        ) as last_owner_touch_at
    from account_messages
),

breaches as (
    select
        rules.rule_id,
        rules.rule_description,
        rules.severity,
        rules.lookback_days,
        with_last_touch.*
    from with_last_touch
    inner join rules
        on {{ rule_counts_message('rules', 'with_last_touch') }}
    where
        (with_last_touch.team is null or with_last_touch.team <> with_last_touch.owner_team)
        and (
            with_last_touch.last_owner_touch_at is null
            or with_last_touch.last_owner_touch_at
            < {{ dbt.dateadd('day', '-1 * rules.lookback_days', 'with_last_touch.sent_at') }}
        )
),

final as (
    select
        message_id,
        rule_id,
        'owner_not_looped' as rule_type,
        rule_description,
        severity,
        contact_id,
        account_id,
        sent_at,
        team,
        category,
        channel,
        {{ dbt.dateadd('day', '-1 * lookback_days', 'sent_at') }} as window_start,
        sent_at as window_end,
        cast(null as integer) as max_messages,
        cast(1 as integer) as messages_in_window,
        cast(case when team is null then 0 else 1 end as integer) as team_count_in_window,
        team as teams_in_window,
        message_id as message_ids_in_window,
        coalesce(team, 'unknown team') || ' ' || category || ' message to an account owned by '
        || coalesce(owner_name, owner_user_id) || ' (' || owner_team || '), who '
        || case
            when last_owner_touch_at is null then 'had sent the account no message before this one'
            else 'last messaged the account at ' || cast(last_owner_touch_at as {{ dbt.type_string() }})
                || ', more than ' || cast(lookback_days as {{ dbt.type_string() }}) || ' days before'
        end as reason
    from breaches
)

select * from final
