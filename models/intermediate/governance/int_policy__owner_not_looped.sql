{#-
  Outreach behind the account owner's back (rule_type owner_not_looped, account level).
  Message m to a contact of account a violates rule r when r counts m, m's team differs
  from the owner's team (int_core__accounts.owner_team) and the owner (int_core__accounts.owner_user_id)
  sent no message -- any category, any channel, to any contact of a
  (int_core__messages.sender_id = owner_user_id and account_id = a) -- with sent_at in
  [m.sent_at - lookback_days, m.sent_at): a touch exactly lookback_days before m counts, a
  touch at the same instant as m does not (it is not before m). Accounts without an owner
  or whose owner has no known team, and messages without an account, are not checked.
  The window is [m.sent_at - lookback_days, m.sent_at]; the row lists m alone and the
  reason names the owner's last touch before m.
  The owner's last touch before each message is one window function over the account's
  timeline (the owner's touches and the counted messages) ordered by exact integer
  microseconds, with the frame ending 1 microsecond before m (so same-instant messages
  never see each other), never a self-join: O(n log n) for the sort, O(n) for the frames.
-#}
with

communications as (
    select * from {{ ref('int_core__messages') }}
),

accounts as (
    select * from {{ ref('int_core__accounts') }}
),

counted_messages as (
    {{ policy_counted_messages() }}
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

owner_touches as (
    select
        communications.account_id,
        communications.sent_at as owner_touch_at,
        {{ epoch_microseconds('communications.sent_at') }} as sent_at_us
    from communications
    inner join owned_accounts
        on
            communications.account_id = owned_accounts.account_id
            and communications.sender_id = owned_accounts.owner_user_id
    where communications.sent_at is not null
),

counted as (
    select
        counted_messages.*,
        owned_accounts.owner_user_id,
        owned_accounts.owner_name,
        owned_accounts.owner_team
    from counted_messages
    inner join owned_accounts
        on counted_messages.account_id = owned_accounts.account_id
    where
        counted_messages.rule_type = 'owner_not_looped'
        and (counted_messages.team is null or counted_messages.team <> owned_accounts.owner_team)
),

timeline as (
    select
        account_id,
        sent_at_us,
        owner_touch_at,
        cast(null as {{ dbt.type_string() }}) as message_id,
        cast(null as {{ dbt.type_string() }}) as rule_id
    from owner_touches
    union all
    select
        account_id,
        sent_at_us,
        cast(null as {{ dbt.type_timestamp() }}) as owner_touch_at,
        message_id,
        rule_id
    from counted
),

with_last_touch as (
    select
        message_id,
        rule_id,
        max(owner_touch_at) over (
            partition by account_id
            order by sent_at_us
            range between unbounded preceding and 1 preceding
        ) as last_owner_touch_at
    from timeline
),

breaches as (
    select
        counted.*,
        with_last_touch.last_owner_touch_at
    from counted
    inner join with_last_touch
        on
            counted.message_id = with_last_touch.message_id
            and counted.rule_id = with_last_touch.rule_id
    where
        with_last_touch.last_owner_touch_at is null
        or with_last_touch.last_owner_touch_at
        < {{ add_interval('day', '-1 * counted.lookback_days', 'counted.sent_at') }}
),

final as (
    select
        {{ policy_violation_columns(
            window_start=add_interval('day', '-1 * lookback_days', 'sent_at'),
            reason="coalesce(team, 'unknown team') || ' ' || category || ' message to an account owned by '
                || coalesce(owner_name, owner_user_id) || ' (' || owner_team || '), who '
                || case
                    when last_owner_touch_at is null then 'had sent the account no message before this one'
                    else 'last messaged the account at ' || cast(last_owner_touch_at as " ~ dbt.type_string() ~ ")
                        || ', more than ' || cast(lookback_days as " ~ dbt.type_string() ~ ") || ' days before'
                end"
        ) }}
    from breaches
)

select * from final
