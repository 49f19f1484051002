{#- One row per stage spell of an account's journey (int_journey__stage_spells). -#}
select
    stage_spell_id,
    account_id,
    spell_number,
    journey_stage,
    entry_rule,
    entered_at,
    exited_at,
    first_day,
    last_day,
    days_in_stage,
    is_current
from {{ ref('int_journey__stage_spells') }}
