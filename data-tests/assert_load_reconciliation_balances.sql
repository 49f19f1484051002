{#- Every raw row is loaded, superseded, excluded or rejected: rows in the file (the
    inspection's count) = the sum of the outcomes (the staging classification's count). -#}
select *
from {{ ref('rpt_load_reconciliation') }}
where rows_in_file <> rows_loaded + rows_superseded + rows_excluded + rows_rejected
