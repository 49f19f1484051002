{#-
  Row accounting of every raw file of this build: per table, the rows of each load outcome
  and reason (from the table's base model: classified_raw in macros/raw.sql), and per
  enumerated column the loaded rows whose value was not one the contract lists (loaded as
  'unknown').
-#}
with

outcomes as (
    {{ raw_load_outcomes() }}
)

select * from outcomes
