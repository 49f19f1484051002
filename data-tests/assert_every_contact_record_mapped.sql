-- Every contact-like and account-like source record appears in its map, linked or not.
select record_key
from {{ ref('int_identity__contact_records') }}
where record_key not in (select record_key from {{ ref('map_contact_records') }})

union all

select record_key
from {{ ref('int_identity__account_records') }}
where record_key not in (select record_key from {{ ref('map_account_records') }})
