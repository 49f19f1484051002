-- A violation must be over its cap, and its window must list exactly messages_in_window ids.
select violation_id
from {{ ref('fct_cadence_violations') }}
where
    messages_in_window <= max_messages
    or length(message_ids_in_window) - length(replace(message_ids_in_window, ',', '')) + 1
    <> messages_in_window
