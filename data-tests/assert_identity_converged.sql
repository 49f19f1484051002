-- Label propagation must have converged: a record whose label still changed in the last
-- round may belong to a larger cluster. Fix by raising var identity_iterations.
select
    'contact' as kind,
    record_key
from {{ ref('int_identity__contact_clusters') }}
where not is_converged

union all

select
    'account' as kind,
    record_key
from {{ ref('int_identity__account_clusters') }}
where not is_converged
