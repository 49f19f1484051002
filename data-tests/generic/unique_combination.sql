{#- Rows whose combination of `columns` is not unique.
    The combinations are first grouped by their hash (key_hash, a number: far cheaper to
    group than several texts); only the rows whose hash repeats are then grouped by the
    columns themselves. Two different combinations with the same hash only send a few more
    rows to the second grouping, which decides: the same result as grouping every row by the
    columns. -#}
{% test unique_combination(model, columns) %}
    with

    repeated_hashes as (
        select {{ key_hash(columns) }} as combination_hash
        from {{ model }}
        group by {{ key_hash(columns) }}
        having count(*) > 1
    )

    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    where {{ key_hash(columns) }} in (select repeated_hashes.combination_hash from repeated_hashes)
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
