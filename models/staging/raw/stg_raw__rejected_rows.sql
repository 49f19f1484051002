{#-
  Every raw row that was rejected (with the reason) or excluded by design (with the rule),
  with its position in the file and the row itself as JSON (from the table's base model:
  classified_raw in macros/raw.sql). Superseded versions are only counted
  (stg_raw__load_outcomes).
-#}
with

set_aside as (
    {{ raw_rejected_rows() }}
)

select * from set_aside
