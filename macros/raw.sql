{#-
  Reading raw exports as they really are (DESIGN.md, "Raw contract and real loads").

  `clearinghouse build` first inspects the raw folder (clearinghouse/inspection.py) and hands
  dbt what it found as the var `raw_layout`: per system and contract table, the relation that
  reads the file (null when there is no file) and, per contract column, the header name that
  holds it (null when absent). Staging models read a raw table with select_raw(): every
  contract column under its contract name, present ones from the file, absent ones as typed
  nulls, extra columns ignored; a table without a file (a system the company does not use, an
  optional table, the other layout of a table) is an empty relation of the same shape. This
  is Fivetran's fill_staging_columns, driven by the inspection instead of the warehouse's
  catalogue, because raw files are read in place.

  Without the var (sqlfluff's compile), the macros read the declared sources as they are.
-#}

{#- The inspection's entry for one contract table, or none when dbt runs without it. -#}
{% macro raw_layout_entry(system, table) -%}
    {%- set layout = var('raw_layout', none) -%}
    {%- if layout is none -%}
        {%- if execute and target.path != ':memory:' -%}
            {{ exceptions.raise_compiler_error(
                "the raw_layout var is not set: build with `clearinghouse build`, which inspects "
                ~ "the raw exports and passes what it found to dbt") }}
        {%- endif -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if system not in layout or table not in layout[system] -%}
        {{ exceptions.raise_compiler_error(
            "raw_layout has no entry for " ~ system ~ "/" ~ table ~ ": is it in the sources YAML?") }}
    {%- endif -%}
    {{ return(layout[system][table]) }}
{%- endmacro %}


{#- Does this build have a file for the contract table? (True when dbt runs without the var.) -#}
{% macro raw_table_exists(system, table) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {{ return(entry is none or entry.relation is not none) }}
{%- endmacro %}


{#- Does the file have this contract column? (True when dbt runs without the var.) -#}
{% macro raw_column_exists(system, table, column) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {{ return(entry is none or (entry.relation is not none and entry.columns.get(column) is not none)) }}
{%- endmacro %}


{#- The table expression that reads one raw file (engine-specific). -#}
{% macro raw_file_relation(entry) -%}
    {{ return(adapter.dispatch('raw_file_relation', 'clearinghouse')(entry)) }}
{%- endmacro %}

{% macro duckdb__raw_file_relation(entry) -%}
    {{ entry.relation }}
{%- endmacro %}

{#- Spark reads the temporary view register_raw_files() made for the file, with DuckDB's
    reading of it (clearinghouse/inspection.py, duckdb_relation): every CSV value as text,
    every null spelling (var raw_null_spellings, quoted or not) as null. -#}
{% macro spark__raw_file_relation(entry) -%}
    {%- set nulls = var('raw_null_spellings', ['']) -%}
    {%- if entry.format == 'parquet' -%}
    {{ raw_view_name(entry.path) }}
    {%- else -%}
    (
        select
            {%- for header in entry.header %}
            case
                when {{ raw_identifier(header) }} in (
                    {%- for spelling in nulls %}{{ spark_string_literal(spelling) }}{{ ', ' if not loop.last }}{% endfor -%}
                ) then null
                else {{ raw_identifier(header) }}
            end as {{ raw_identifier(header) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ raw_view_name(entry.path) }}
    )
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_file_relation(entry) -%}
    {{ exceptions.raise_compiler_error("reading raw files is implemented for DuckDB and Spark only") }}
{%- endmacro %}


{#- The temporary view that holds one raw file on engines that register files (Spark). -#}
{% macro raw_view_name(path) -%}
    raw_file_{{ local_md5(path) }}
{%- endmacro %}


{#- A Spark SQL string literal (backslashes escape in Spark: '\N' must stay two characters). -#}
{% macro spark_string_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}


{#-
  on-run-start: make every raw file of this build (and the planned-sends file) readable by
  the engine. DuckDB reads files in place (read_csv in the relation), so nothing happens;
  Spark registers one cached temporary view per file in the session: CSV with a header,
  every column as text (no schema inference), RFC 4180 quoting, values may span lines; the
  views' rows come in file order (multiLine files are never split).
-#}
{% macro register_raw_files() -%}
    {{ return(adapter.dispatch('register_raw_files', 'clearinghouse')()) }}
{%- endmacro %}

{% macro default__register_raw_files() -%}
{%- endmacro %}

{% macro spark__register_raw_files() -%}
    {%- if execute -%}
        {%- for system, table, entry in raw_tables_with_files() -%}
            {%- do spark_register_file(raw_view_name(entry.path), entry.path, entry.format,
                                       entry.encoding) -%}
        {%- endfor -%}
        {%- do spark_register_file(planned_sends_view(), planned_sends_path(), 'csv', none) -%}
    {%- endif -%}
{%- endmacro %}

{#- One raw file as a cached temporary view: parsed once per build (DESIGN.md, "Large
    sources are parsed once per build"). Only the file's base model reads it, but its
    classification (classified_raw) refers to the rows three times, which Spark may each
    evaluate; MEMORY_AND_DISK spills what does not fit in memory. -#}
{% macro spark_register_file(view_name, path, format, encoding) -%}
    {%- do run_query(spark_file_view(view_name ~ '__file', path, format, encoding)) -%}
    {%- do run_query("uncache table if exists " ~ view_name) -%}
    {%- do run_query("drop view if exists " ~ view_name) -%}
    {%- do run_query("cache table " ~ view_name ~ " options ('storageLevel' 'MEMORY_AND_DISK') "
                     ~ "as select * from " ~ view_name ~ "__file") -%}
{%- endmacro %}

{% macro spark_file_view(view_name, path, format, encoding) -%}
    create or replace temporary view {{ view_name }}
    using {{ 'parquet' if format == 'parquet' else 'csv' }}
    options (
        path {{ spark_string_literal(path) }}
        {%- if format != 'parquet' %},
        header 'true',
        inferSchema 'false',
        multiLine 'true',
        quote '"',
        escape '"',
        mode 'PERMISSIVE',
        encoding {{ spark_string_literal({'latin-1': 'ISO-8859-1'}.get(encoding, encoding) or 'UTF-8') }}
        {%- endif %}
    )
{%- endmacro %}


{#- The planned-sends file ($CLEARINGHOUSE_PLANNED, see _planned__sources.yml) and the
    relation that reads it: the declared source on DuckDB, the registered view on Spark. -#}
{% macro planned_sends_path() -%}
    {{ return(env_var('CLEARINGHOUSE_PLANNED', 'clearinghouse/templates/planned_sends.csv')) }}
{%- endmacro %}

{% macro planned_sends_view() -%}
    {{ return('raw_planned__planned_sends') }}
{%- endmacro %}

{% macro planned_sends_relation() -%}
    {%- set declared = source('planned', 'planned_sends') -%}
    {{ return(adapter.dispatch('planned_sends_relation', 'clearinghouse')(declared)) }}
{%- endmacro %}

{% macro default__planned_sends_relation(declared) -%}
    {{ return(declared) }}
{%- endmacro %}

{% macro spark__planned_sends_relation(declared) -%}
    {{ return(planned_sends_view()) }}
{%- endmacro %}


{#- Each row's 1-based position in its file (the rows of a file relation, in file order). -#}
{% macro file_row_number() -%}
    {{ return(adapter.dispatch('file_row_number', 'clearinghouse')()) }}
{%- endmacro %}

{% macro default__file_row_number() -%}
    row_number() over ()
{%- endmacro %}

{#- Spark needs an ordered window: a registered file is one partition read in file order
    (multiLine), so the generated ids follow the file. -#}
{% macro spark__file_row_number() -%}
    row_number() over (order by monotonically_increasing_id())
{%- endmacro %}


{#- A hash of a record's key (a list of expressions), for grouping by it cheaply; equal keys
    give equal hashes, different keys almost always different ones (callers must not rely on
    it). DuckDB's hash is 64-bit, Spark's (murmur3) 32-bit: both take several values. -#}
{% macro key_hash(expressions) -%}
    {{ return(adapter.dispatch('key_hash', 'clearinghouse')(expressions)) }}
{%- endmacro %}

{% macro default__key_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}


{#- Quote a header name as an identifier (it may be CamelCase, a keyword or hold spaces). -#}
{% macro raw_identifier(name) -%}
    {{ adapter.quote(name | replace('"', '""')) }}
{%- endmacro %}


{#-
  `select` of every contract column of system/table, under its contract name. The sources are
  still ref'd through source() so lineage and docs show them.
-#}
{% macro select_raw(system, table) -%}
    {%- set declared = source(system, table) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {%- if entry is none -%}
        select * from {{ declared }}
    {%- elif entry.relation is none -%}
        select
            {%- for column in entry.columns %}
            cast(null as {{ dbt.type_string() }}) as {{ raw_identifier(column) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from (select 1 as no_file) as empty_source
        where 1 = 0
    {%- else -%}
        select
            {%- for column, header in entry.columns.items() %}
            {% if header is not none -%}
                {{ raw_identifier(header) }}
            {%- else -%}
                cast(null as {{ dbt.type_string() }})
            {%- endif %} as {{ raw_identifier(column) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ raw_file_relation(entry) }} as raw_file
    {%- endif -%}
{%- endmacro %}


{#- HubSpot per-type event tables present in this build, as (table, event type) pairs. -#}
{% macro raw_event_type_tables(system) -%}
    {%- set layout = var('raw_layout', {}) or {} -%}
    {%- set found = [] -%}
    {%- for table, entry in (layout.get(system, {}) or {}).items() -%}
        {%- if entry.event_type and entry.relation is not none -%}
            {%- do found.append((table, entry.event_type)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{#- The inspection's feature statuses (var raw_features) as a relation: feature, status,
    detail; empty when dbt runs without the inspection. -#}
{% macro raw_feature_statuses() -%}
    {%- set statuses = var('raw_features', []) or [] -%}
    {%- if statuses -%}
    select evaluated.feature, evaluated.status, evaluated.detail
    from (
        values
        {%- for row in statuses %}
        ('{{ row.feature }}', '{{ row.status }}', '{{ row.detail | replace("'", "''") }}')
        {{- ',' if not loop.last }}
        {%- endfor %}
    ) as evaluated (feature, status, detail)
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as feature,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as detail
    from (select 1 as no_inspection) as nothing
    where 1 = 0
    {%- endif -%}
{%- endmacro %}


{#-
  Every row of a raw table, sorted into exactly one load outcome (DESIGN.md, "Row accounting
  and the build gate"), with the contract's columns:
    rejected    the row cannot be used; _load_reason: missing_id, repeated_header,
                missing_timestamp, unparseable_timestamp, negative_amount (below_minimum);
                _load_detail names the column and value
    excluded    by design; _load_reason names the rule (e.g. a Stripe test-mode object)
    superseded  an older version of a record another row of the file holds (older_version)
    loaded      the record's current version
  Versions of one record (its key) are ordered: current first in history mode
  (_fivetran_active), then by the connector's sync time, the modified time, and last a hash of
  the row's content, so the same rows in any file order give the same result. Rejected and
  excluded rows never supersede a usable one. The rules come from the contract
  (Table.load_rules in clearinghouse/contract.py) through the inspection's raw_layout.
  Each table's base model (raw_base) runs this once per build; everything else reads that.
-#}
{% macro classified_raw(system, table) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {%- if entry is none -%}
    select
        raw_rows.*,
        1 as _source_row_number,
        'loaded' as _load_outcome,
        cast(null as {{ dbt.type_string() }}) as _load_reason,
        cast(null as {{ dbt.type_string() }}) as _load_detail
    from ({{ select_raw(system, table) }}) as raw_rows
    {%- else -%}
    {%- set rules = entry.rules -%}
    {%- set columns = entry.columns.keys() | list -%}
    {#- a usable row's key hashes to a repeated key's hash (the in / not in branches
        below); the key as text, column by column, as the ranking partitions it -#}
    {%- set key_texts, usable_key_texts = [], [] -%}
    {%- for key in rules.key -%}
        {%- do key_texts.append(as_text(key)) -%}
        {%- do usable_key_texts.append(as_text('usable.' ~ key)) -%}
    {%- endfor -%}
    {#- an uncorrelated IN, not a correlated EXISTS: DuckDB decorrelated the EXISTS by grouping
        every usable row's key hash (as many as there are rows) and joining that to the
        repeated keys, twice, which cost 3.6 s of 26 at medium scale for HubSpot's events.
        A hash is never null, so NOT IN is exact. -#}
    {%- set repeated = ' in (select repeated_keys._key_hash from repeated_keys)' -%}
    {%- set holds_repeated_key = key_hash(usable_key_texts) ~ repeated -%}
    {%- set holds_single_key = key_hash(usable_key_texts) ~ ' not' ~ repeated -%}
    select
        {%- for column in columns %}
        ranked.{{ raw_identifier(column) }},
        {%- endfor %}
        ranked._source_row_number,
        case
            when ranked._reject_reason is not null then 'rejected'
            when ranked._exclude_reason is not null then 'excluded'
            when ranked._version_rank > 1 then 'superseded'
            else 'loaded'
        end as _load_outcome,
        coalesce(
            ranked._reject_reason,
            ranked._exclude_reason,
            case when ranked._version_rank > 1 then 'older_version' end
        ) as _load_reason,
        ranked._reject_detail as _load_detail
    from (
        with

        checked as (
            -- the detail only for the rows with a reason (a few): it repeats the reason's
            -- tests, and parsing every row's timestamps twice cost a third of the model
            select
                reasoned.*,
                case
                    when reasoned._reject_reason is not null
                        then {{ raw_reject_reason(entry, 'detail') }}
                end as _reject_detail
            from (
                select
                    numbered.*,
                    {{ raw_reject_reason(entry, 'reason') }} as _reject_reason,
                    {{ raw_exclude_reason(entry) }} as _exclude_reason
                from (
                    select
                        raw_rows.*,
                        {{ file_row_number() }} as _source_row_number
                    from ({{ select_raw(system, table) }}) as raw_rows
                ) as numbered
            ) as reasoned
        ),

        usable as (
            select *
            from checked
            where _reject_reason is null and _exclude_reason is null
        ),

        repeated_keys as (
            -- the keys more than one usable row holds: only their rows need ordering (most
            -- keys are held once, and sorting every row by its parsed times and content hash
            -- cost far more than finding the few that repeat). Grouped by the key's hash, a
            -- number, not its text: a far smaller table to build over every row. Two keys
            -- with the same hash only send a few more rows to the ranking below, which
            -- partitions by the key itself and ranks a key held once first: the same result.
            select {{ key_hash(key_texts) }} as _key_hash
            from usable
            group by {{ key_hash(key_texts) }}
            having count(*) > 1
        )

        select
            checked.*,
            1 as _version_rank
        from checked
        where checked._reject_reason is not null or checked._exclude_reason is not null

        union all

        select
            usable.*,
            1 as _version_rank
        from usable
        where {{ holds_single_key }}

        union all

        select
            usable.*,
            row_number() over (
                partition by {{ usable_key_texts | join(', ') }}
                order by
                    {% if rules.active_column -%}
                    coalesce({{ parse_boolean('usable.' ~ rules.active_column) }}, true) desc,
                    {% endif -%}
                    {% if rules.synced_column -%}
                    {{ parse_timestamp('usable.' ~ rules.synced_column) }} desc nulls last,
                    {% endif -%}
                    {% if rules.modified_column -%}
                    {{ parse_timestamp('usable.' ~ rules.modified_column) }} desc nulls last,
                    {% endif -%}
                    {{ row_content_hash(columns) }} desc,
                    -- identical copies: the file's last one is loaded, so every build
                    -- labels the same row numbers superseded
                    usable._source_row_number desc
            ) as _version_rank
        from usable
        where {{ holds_repeated_key }}
    ) as ranked
    {%- endif -%}
{%- endmacro %}


{#-
  The base model of a raw table: base_<system>__<table> (models/staging/<system>/base/,
  written from the contract by `python -m clearinghouse.base_models`) holds every row of the
  file with its load outcome (classified_raw), so each raw file is read, checked and ranked
  once per build, however many staging models and row-accounting tables read it.
-#}
{% macro raw_base(system, table) -%}
    {{ return(ref('base_' ~ system ~ '__' ~ table)) }}
{%- endmacro %}


{#- The rows of a raw table that load (see classified_raw), from its base model. -#}
{% macro loaded_raw(system, table) -%}
    select * from {{ raw_base(system, table) }}
    where _load_outcome = 'loaded'
{%- endmacro %}


{#- Why a row is rejected (part='reason') or what exactly (part='detail'); null when usable. -#}
{% macro raw_reject_reason(entry, part) -%}
    {%- set rules = entry.rules -%}
    case
        {%- for key in rules.key %}
        when {{ as_text(key) }} is null
            then {{ "'missing_id'" if part == 'reason' else "'" ~ key ~ " is empty'" }}
        {%- endfor %}
        {%- for key in rules.key %}
        {%- set header = entry.columns[key] or key %}
        when lower({{ as_text(key) }}) = '{{ header | lower | replace("'", "''") }}'
            then {{ "'repeated_header'" if part == 'reason' else "'the header row again (" ~ key ~ ")'" }}
        {%- endfor %}
        {%- for column in rules.required_timestamps %}
        when {{ as_text(column) }} is null
            then {{ "'missing_timestamp'" if part == 'reason' else "'" ~ column ~ " is empty'" }}
        when {{ parse_timestamp(column) }} is null
            then {{ "'unparseable_timestamp'" if part == 'reason'
                    else "'" ~ column ~ " = ' || " ~ as_text(column) }}
        {%- endfor %}
        {%- for column, minimum in rules.minimums.items() %}
        when {{ parse_number(column) }} < {{ minimum }}
            then {{ ("'negative_amount'" if minimum == 0 else "'below_minimum'") if part == 'reason'
                    else "'" ~ column ~ " = ' || " ~ as_text(column) }}
        {%- endfor %}
    end
{%- endmacro %}


{#- The rule that excludes a row by design (e.g. a Stripe test-mode object); null otherwise. -#}
{% macro raw_exclude_reason(entry) -%}
    {%- set exclusions = entry.rules.exclusions -%}
    {%- if exclusions -%}
    case
        {%- for column, rule in exclusions.items() %}
        when {{ parse_boolean(column) }} = false then '{{ rule | replace("'", "''") }}'
        {%- endfor %}
    end
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- A hash of a row's values (nulls distinct from empty text): the last tie-breaker. -#}
{% macro row_content_hash(columns) -%}
    md5(concat_ws('|'
        {%- for column in columns -%}
        , coalesce(cast({{ raw_identifier(column) }} as {{ dbt.type_string() }}), '<null>')
        {%- endfor -%}
    ))
{%- endmacro %}


{#-
  An enumerated column: the contract's value that matches ignoring case, spaces and
  punctuation ('Urgent', 'URGENT ', 'end_user' -> 'urgent', 'end-user'); null stays null;
  any other value is 'unknown' (counted in rpt_load_reconciliation, never a failure).
-#}
{% macro raw_enum(system, table, column, expression=none) -%}
    {%- set entry = raw_layout_entry(system, table) -%}
    {%- set values = (entry.rules.enums.get(column, []) if entry is not none else []) -%}
    {%- set text = as_text(expression or column) -%}
    {%- if not values -%}
    {{ text }}
    {%- else -%}
    {#- a simple case: the normalised text is computed once per row, not once per value -#}
    {%- set normalised = regexp_replace_all("lower(" ~ text ~ ")", "'[^a-z0-9]+'", "''") -%}
    case
        when {{ text }} is null then null
        {#- the contract's own spelling, as most rows have it, skips the regex #}
        when {{ text }} in ({% for value in values %}'{{ value }}'{{ ', ' if not loop.last }}{% endfor %}) then {{ text }}
        else
            case {{ normalised }}
                {%- for value in values %}
                when '{{ modules.re.sub('[^a-z0-9]+', '', value | lower) }}' then '{{ value }}'
                {%- endfor %}
                else 'unknown'
            end
    end
    {%- endif -%}
{%- endmacro %}


{#- (system, table, entry) for every contract table that has a file in this build. -#}
{% macro raw_tables_with_files() -%}
    {%- set layout = var('raw_layout', {}) or {} -%}
    {%- set found = [] -%}
    {%- for system in layout | sort -%}
        {%- for table in layout[system] | sort -%}
            {%- if layout[system][table].relation is not none -%}
                {%- do found.append((system, table, layout[system][table])) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}


{#- A row's contract columns as one JSON text (audit_rejected_rows keeps the source row). -#}
{% macro raw_row_json(columns) -%}
    {{ return(adapter.dispatch('raw_row_json', 'clearinghouse')(columns)) }}
{%- endmacro %}

{% macro duckdb__raw_row_json(columns) -%}
    cast(json_object(
        {%- for column in columns %}
        '{{ column }}', cast({{ raw_identifier(column) }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__raw_row_json(columns) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}', cast({{ raw_identifier(column) }} as {{ dbt.type_string() }}){{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}


{#- The inspection's view of each raw file (source_system, source_table, file_path,
    rows_in_file: DuckDB's count of the file's data rows) as a relation. The counts come
    from the environment (CLEARINGHOUSE_RAW_ROWS, set by clearinghouse.build.run_dbt), not a
    var: vars that change make dbt parse the whole project again, and the counts change
    with every day's exports. -#}
{% macro raw_file_rows() -%}
    {%- set tables = raw_tables_with_files() -%}
    {%- set counts = fromjson(env_var('CLEARINGHOUSE_RAW_ROWS', '{}')) -%}
    {%- if tables -%}
    select
        files.source_system,
        files.source_table,
        files.file_path,
        cast(files.rows_in_file as bigint) as rows_in_file
    from (
        values
        {%- for system, table, entry in tables %}
        ('{{ system }}', '{{ table }}', '{{ (entry.path or "") | replace("'", "''") }}', {{ (counts.get(system) or {}).get(table, 0) }})
        {{- ',' if not loop.last }}
        {%- endfor %}
    ) as files (source_system, source_table, file_path, rows_in_file)
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as file_path,
        cast(null as bigint) as rows_in_file
    from (select 1 as no_files) as nothing
    where 1 = 0
    {%- endif -%}
{%- endmacro %}


{#- The body of stg_raw__load_outcomes (kept here: the SQL is generated per raw file). -#}
{% macro raw_load_outcomes() -%}
    {%- set tables = raw_tables_with_files() -%}
    {% for system, table, entry in tables -%}
    {%- set enums = [] -%}
    {%- for column in entry.rules.enums if entry.columns[column] is not none -%}
        {%- do enums.append(column) -%}
    {%- endfor -%}
    select * from (
        with

        {{ table }}_counts as (
            -- one pass over the classified file: rows per outcome and, for each enumerated
            -- column, the loaded rows whose value is not one the contract lists
            select
                _load_outcome,
                _load_reason,
                count(*) as row_count,
                {% if entry.rules.synced_column and entry.columns[entry.rules.synced_column] -%}
                max({{ parse_timestamp(entry.rules.synced_column) }}) as newest_synced_at
                {%- else -%}
                cast(null as {{ dbt.type_timestamp() }}) as newest_synced_at
                {%- endif %}
                {%- for column in enums %},
                sum(
                    case when _load_outcome = 'loaded' and {{ raw_enum(system, table, column) }} = 'unknown' then 1 else 0 end
                ) as unknown_{{ loop.index }}
                {%- endfor %}
            from {{ raw_base(system, table) }}
            group by _load_outcome, _load_reason
        )

        select
            '{{ system }}' as source_system,
            '{{ table }}' as source_table,
            'outcome' as measure,
            _load_outcome as load_outcome,
            _load_reason as load_reason,
            row_count,
            newest_synced_at
        from {{ table }}_counts
        {% for column in enums -%}
        union all
        select
            '{{ system }}' as source_system,
            '{{ table }}' as source_table,
            'unknown_value' as measure,
            'loaded' as load_outcome,
            '{{ column }}' as load_reason,
            cast(coalesce(sum(unknown_{{ loop.index }}), 0) as bigint) as row_count,
            cast(null as {{ dbt.type_timestamp() }}) as newest_synced_at
        from {{ table }}_counts
        {% endfor -%}
    ) as {{ system }}_{{ table }}_outcomes
    {{ 'union all' if not loop.last }}
    {% else -%}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as measure,
        cast(null as {{ dbt.type_string() }}) as load_outcome,
        cast(null as {{ dbt.type_string() }}) as load_reason,
        cast(0 as bigint) as row_count,
        cast(null as {{ dbt.type_timestamp() }}) as newest_synced_at
    from (select 1 as no_files) as nothing
    where 1 = 0
    {% endfor %}
{%- endmacro %}


{#- The body of stg_raw__rejected_rows (kept here: the SQL is generated per raw file). -#}
{% macro raw_rejected_rows() -%}
    {%- set tables = raw_tables_with_files() -%}
    {% for system, table, entry in tables -%}
    select
        '{{ system }}' as source_system,
        '{{ table }}' as source_table,
        cast(_source_row_number as bigint) as source_row_number,
        {{ as_text(entry.rules.key[0]) }} as source_record_id,
        _load_outcome as load_outcome,
        _load_reason as load_reason,
        _load_detail as load_detail,
        {{ raw_row_json(entry.columns.keys() | list) }} as source_row
    from {{ raw_base(system, table) }}
    where _load_outcome in ('rejected', 'excluded')
    {{ 'union all' if not loop.last }}
    {% else -%}
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as bigint) as source_row_number,
        cast(null as {{ dbt.type_string() }}) as source_record_id,
        cast(null as {{ dbt.type_string() }}) as load_outcome,
        cast(null as {{ dbt.type_string() }}) as load_reason,
        cast(null as {{ dbt.type_string() }}) as load_detail,
        cast(null as {{ dbt.type_string() }}) as source_row
    from (select 1 as no_files) as nothing
    where 1 = 0
    {% endfor %}
{%- endmacro %}
