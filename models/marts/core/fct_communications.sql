{#- Every outbound message to a known contact, from every system, one row each (int_core__messages). -#}
select
    message_id,
    source_system,
    source_table,
    source_record_id,
    contact_id,
    account_id,
    channel,
    team,
    category,
    sender,
    sender_id,
    sent_at,
    subject,
    campaign_id
from {{ ref('int_core__messages') }}
