{#-
  Every raw row accounted for: per raw file of this build, the rows in the file (counted by
  the inspection, independently of dbt) and the rows loaded, superseded (older versions),
  excluded by design and rejected (with reasons in audit_rejected_rows); values of an
  enumeration the contract does not list, loaded as 'unknown', are counted too, and the
  newest connector sync time of each file (source freshness, `clearinghouse check`). The data
  test assert_load_reconciliation_balances fails when rows in != the sum of the outcomes.
-#}
with

files as (
    {{ raw_file_rows() }}
),

outcomes as (
    select * from {{ ref('stg_raw__load_outcomes') }}
),

counted as (
    select
        source_system,
        source_table,
        sum(case when measure = 'outcome' and load_outcome = 'loaded' then row_count else 0 end)
            as rows_loaded,
        sum(case when measure = 'outcome' and load_outcome = 'superseded' then row_count else 0 end)
            as rows_superseded,
        sum(case when measure = 'outcome' and load_outcome = 'excluded' then row_count else 0 end)
            as rows_excluded,
        sum(case when measure = 'outcome' and load_outcome = 'rejected' then row_count else 0 end)
            as rows_rejected,
        sum(case when measure = 'unknown_value' then row_count else 0 end) as unknown_enum_values,
        max(newest_synced_at) as newest_synced_at
    from outcomes
    group by source_system, source_table
),

final as (
    select
        files.source_system,
        files.source_table,
        files.file_path,
        files.rows_in_file,
        cast(coalesce(counted.rows_loaded, 0) as bigint) as rows_loaded,
        cast(coalesce(counted.rows_superseded, 0) as bigint) as rows_superseded,
        cast(coalesce(counted.rows_excluded, 0) as bigint) as rows_excluded,
        cast(coalesce(counted.rows_rejected, 0) as bigint) as rows_rejected,
        cast(coalesce(counted.unknown_enum_values, 0) as bigint) as unknown_enum_values,
        case
            when files.rows_in_file > 0
                then cast(coalesce(counted.rows_rejected, 0) as double) / files.rows_in_file
            else 0
        end as rejected_share,
        counted.newest_synced_at
    from files
    left join counted
        on
            files.source_system = counted.source_system
            and files.source_table = counted.source_table
)

select * from final
