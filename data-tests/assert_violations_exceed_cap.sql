-- A cap violation must be over its cap, and every violation must list exactly
-- messages_in_window message ids.
select violation_id
from {{ ref('fct_cadence_violations') }}
where
    (rule_type = 'rolling_cap' and messages_in_window <= max_messages)
    or length(message_ids_in_window) - length(replace(message_ids_in_window, ',', '')) + 1
    <> messages_in_window
