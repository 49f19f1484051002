{#-
  Cleaning helpers used by staging. Every helper first casts its input to text, so the
  same model works whether a file was read as all-text CSV or as typed Parquet.
-#}

{% macro as_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}


{#- Booleans arrive as true/TRUE/True/1/t/yes; anything unrecognised becomes null. -#}
{% macro parse_boolean(column) -%}
    case
        when lower({{ as_text(column) }}) in ('true', 't', '1', 'yes', 'y') then true
        when lower({{ as_text(column) }}) in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}


{#-
  The patterns (email, epoch milliseconds / seconds, UTC offset) are project vars in
  dbt_project.yml, shared with clearinghouse/parsing.py.
  Timestamps arrive as naive 'YYYY-MM-DD HH:MM:SS' (UTC), ISO-8601 with 'Z' or an offset,
  epoch seconds or epoch milliseconds. Result: a naive timestamp in UTC, or null when the
  text is not a timestamp (staging models expose the raw text so audits can report it).
-#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'clearinghouse')(column)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(column) -%}
    case
        when regexp_full_match({{ as_text(column) }}, '{{ var("epoch_milliseconds_pattern") }}')
            then make_timestamp(cast({{ as_text(column) }} as bigint) * 1000)
        when regexp_full_match({{ as_text(column) }}, '{{ var("epoch_seconds_pattern") }}')
            then make_timestamp(cast({{ as_text(column) }} as bigint) * 1000000)
        when regexp_matches({{ as_text(column) }}, '{{ var("utc_offset_pattern") }}')
            then timezone('UTC', try_cast({{ as_text(column) }} as timestamptz))
        else try_cast({{ as_text(column) }} as timestamp)
    end
{%- endmacro %}

{#- Spark: after the epoch forms, a cast of the ISO shapes DuckDB reads (date; date and
    time with 'T' or a space, optional seconds and fraction; optional 'Z' or offset). Two
    to_timestamp patterns read no date-only text ('2025-05-03': Salesforce ActivityDate,
    CloseDate) and no 'T' without an offset, so those were null on Spark. The shape check
    keeps text DuckDB cannot read (e.g. '2025', which Spark's cast reads as 2025-01-01)
    null on both. -#}
{% macro spark__parse_timestamp(column) -%}
    case
        when {{ as_text(column) }} rlike '^{{ var("epoch_milliseconds_pattern") }}$'
            then timestamp_millis(cast({{ as_text(column) }} as bigint))
        when {{ as_text(column) }} rlike '^{{ var("epoch_seconds_pattern") }}$'
            then timestamp_seconds(cast({{ as_text(column) }} as bigint))
        when {{ as_text(column) }} rlike
            '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)? ?(Z|z|[+-][0-9]{2}:?[0-9]{2})?$'
            then cast(upper({{ as_text(column) }}) as timestamp)
    end
{%- endmacro %}


{% macro parse_date(column) -%}
    cast({{ parse_timestamp(column) }} as date)
{%- endmacro %}


{% macro parse_number(column, type='double') -%}
    {{ dbt.safe_cast(as_text(column), type) }}
{%- endmacro %}


{#-
  Email normalisation: trim, lower-case, drop a '+tag' from the local part, treat
  googlemail.com as gmail.com. Text that is not shaped like an address becomes null.
-#}
{% macro normalise_email(column) -%}
    case
        when {{ regexp_like_email(column) }} then
            regexp_replace(
                regexp_replace(lower({{ as_text(column) }}), '[+][^@]*@', '@'),
                '@googlemail[.]com$', '@gmail.com'
            )
    end
{%- endmacro %}

{% macro regexp_like_email(column) -%}
    {{ return(adapter.dispatch('regexp_like_email', 'clearinghouse')(column)) }}
{%- endmacro %}

{% macro duckdb__regexp_like_email(column) -%}
    regexp_full_match({{ as_text(column) }}, '{{ var("email_pattern") }}')
{%- endmacro %}

{% macro spark__regexp_like_email(column) -%}
    {{ as_text(column) }} rlike '^{{ var("email_pattern") | replace("\\", "\\\\") }}$'
{%- endmacro %}


{% macro email_domain(normalised_email) -%}
    nullif(regexp_extract({{ normalised_email }}, '@(.*)$', 1), '')
{%- endmacro %}


{#- 'https://www.Acme.com/about' -> 'acme.com' -#}
{% macro normalise_domain(column) -%}
    nullif(
        {{ regexp_replace_all(
            "regexp_replace(lower(" ~ as_text(column) ~ "), '^[a-z]+://', '')",
            "'^www[.]|[/:?#].*$'", "''"
        ) }},
        ''
    )
{%- endmacro %}


{#- 'ACME Analytics, Inc.' -> 'acme analytics', 'Oak B.V.' -> 'oak': case, dots, punctuation and
    legal suffixes removed. -#}
{% macro normalise_company_name(column) -%}
    nullif(
        trim(
            {{ regexp_replace_all(
                regexp_replace_all(
                    "' ' || " ~ regexp_replace_all(
                        regexp_replace_all("lower(" ~ as_text(column) ~ ")", "'[.]'", "''"),
                        "'[^a-z0-9]+'", "' '"
                    ),
                    "'( (inc|incorporated|llc|ltd|limited|gmbh|corp|corporation|co|company|plc|sa|ag|bv|nv|pty|srl|sas))+ *$'",
                    "''"
                ),
                "' +'", "' '"
            ) }}
        ),
        ''
    )
{%- endmacro %}


{#- Replace every match (DuckDB replaces only the first unless given the 'g' flag). -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'clearinghouse')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}


{#- A text field of a JSON object stored as text; null when the text is not valid JSON. -#}
{% macro json_text_field(column, key) -%}
    {{ return(adapter.dispatch('json_text_field', 'clearinghouse')(column, key)) }}
{%- endmacro %}

{% macro duckdb__json_text_field(column, key) -%}
    case
        when json_valid({{ as_text(column) }})
            then nullif(trim(json_extract_string({{ as_text(column) }}, '$.{{ key }}')), '')
    end
{%- endmacro %}

{% macro spark__json_text_field(column, key) -%}
    nullif(trim(get_json_object({{ as_text(column) }}, '$.{{ key }}')), '')
{%- endmacro %}


{#-
  Keep the latest version of each record: connectors re-land a row when it changes, and
  exports repeat rows. In history mode (`active_column`, e.g. _fivetran_active) the current
  version wins; then the newest by the connector's sync time, then by modified time.
-#}
{% macro latest_version(relation, key='id', synced_column='_fivetran_synced', active_column=none,
                        modified_column=none) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ as_text(key) }}
                order by
                    {% if active_column -%}
                    coalesce({{ parse_boolean(active_column) }}, true) desc,
                    {% endif -%}
                    {{ parse_timestamp(synced_column) }} desc nulls last
                    {%- if modified_column %},
                    {{ parse_timestamp(modified_column) }} desc nulls last
                    {%- endif %}
            ) as _version_rank
        from {{ relation }}
    ) as versions
    where _version_rank = 1 and {{ as_text(key) }} is not null
{%- endmacro %}


{#- CSAT as 1-5: Zendesk's binary ratings good -> 5 and bad -> 1, numbers 1-5 as they are;
    'offered', 'unoffered' and anything else -> null. -#}
{% macro csat_score(column) -%}
    case
        when lower({{ as_text(column) }}) = 'good' then 5
        when lower({{ as_text(column) }}) = 'bad' then 1
        when {{ parse_number(column, 'integer') }} between 1 and 5
            then {{ parse_number(column, 'integer') }}
    end
{%- endmacro %}
