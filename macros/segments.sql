{#-
  Segments as data: the active rows of seed `segment_definitions` (segment_id, predicate),
  read at compile time, validated, and compiled into one `select` per segment over
  int_segments__account_daily_attributes (read_seed). Before the seed can be read
  (parsing, a fresh database) there are no segments and the membership models are empty.
-#}
{% macro segment_definitions() -%}
    {% set definitions = [] %}
    {#- a unit test passes other definitions through this var -#}
    {% set overridden = var('segment_definitions', none) %}
    {% if overridden is not none %}
        {% for row in overridden %}
            {% do validate_seed_predicate('segment_definitions', row['segment_id'], row['predicate']) %}
            {% do definitions.append({'segment_id': row['segment_id'], 'predicate': row['predicate']}) %}
        {% endfor %}
        {{ return(definitions) }}
    {% endif %}
    {% set rows = read_seed('segment_definitions', ['segment_id', 'predicate'],
        where='cast(is_active as boolean)', order_by='segment_id') %}
    {% for row in rows or [] %}
        {% if not modules.re.match('^[a-z][a-z0-9_]*$', row['segment_id'] or '') %}
            {{ exceptions.raise_compiler_error(
                "segment_definitions: bad segment_id '" ~ row['segment_id'] ~ "' (lower-case, digits, _)") }}
        {% endif %}
        {% do validate_seed_predicate('segment_definitions', row['segment_id'], row['predicate']) %}
        {% do definitions.append(row) %}
    {% endfor %}
    {{ return(definitions) }}
{%- endmacro %}


{#- The flags segment_membership_spells reads: per row of `attributes_relation` (one row
    per account and day, dense: int_segments__account_daily_attributes over
    int_accounts__daily_spine), each segment's predicate on that day (member_<n>, evaluated
    once per row; null is not membership) and on the days before and after (before_<n>,
    after_<n>: one window pass per account, ordered by day_number; false beyond the
    account's history). -#}
{% macro segment_membership_flags(attributes_relation, definitions) -%}
    select
        day_flags.account_id,
        day_flags.state_date,
        day_flags.day_number,
        day_flags.data_end_date
        {%- for definition in definitions %},
        day_flags.member_{{ loop.index }},
        coalesce(lag(day_flags.member_{{ loop.index }}) over account_days, false) as before_{{ loop.index }},
        coalesce(lead(day_flags.member_{{ loop.index }}) over account_days, false) as after_{{ loop.index }}
        {%- endfor %}
    from (
        select
            account_id,
            state_date,
            day_number,
            data_end_date
            {%- for definition in definitions %},
            coalesce(({{ definition.predicate }}), false) as member_{{ loop.index }}
            {%- endfor %}
        from {{ attributes_relation }}
    ) as day_flags
    {%- if definitions %}
    window account_days as (partition by day_flags.account_id order by day_flags.day_number)
    {%- endif %}
{%- endmacro %}


{#-
  Segment membership spells: one row per (segment, account, continuous run of days on which
  the account met the segment's predicate), from `flags_relation` (segment_membership_flags
  over the daily attributes; `definitions`: segment_definitions()). Only the first and last
  day of each spell are kept (a one-day spell is both) and paired, a spell's last day being
  its own row or the next one kept: never a row per member day (issue 12). Columns:
  segment_id, account_id, entered_date, last_member_date, data_end_date, days_in_segment.
-#}
{% macro segment_membership_spells(flags_relation, definitions) -%}
    {% if definitions | length == 0 %}
        select
            cast(null as {{ dbt.type_string() }}) as segment_id,
            account_id,
            state_date as entered_date,
            state_date as last_member_date,
            data_end_date,
            day_number as days_in_segment
        from {{ flags_relation }}
        where 1 = 0
    {% else %}
        select
            spell_bounds.segment_id,
            spell_bounds.account_id,
            spell_bounds.entered_date,
            spell_bounds.last_member_date,
            spell_bounds.data_end_date,
            spell_bounds.days_in_segment
        from (
            select
                bounds.segment_id,
                bounds.account_id,
                bounds.is_first_day,
                bounds.state_date as entered_date,
                case
                    when bounds.is_last_day then bounds.state_date
                    else lead(bounds.state_date) over spell_order
                end as last_member_date,
                bounds.data_end_date,
                case
                    when bounds.is_last_day then bounds.day_number
                    else lead(bounds.day_number) over spell_order
                end - bounds.day_number + 1 as days_in_segment
            from (
                {%- for definition in definitions %}
                select
                    '{{ definition.segment_id }}' as segment_id,
                    {{ flags_relation }}.account_id,
                    {{ flags_relation }}.state_date,
                    {{ flags_relation }}.day_number,
                    {{ flags_relation }}.data_end_date,
                    not {{ flags_relation }}.before_{{ loop.index }} as is_first_day,
                    not {{ flags_relation }}.after_{{ loop.index }} as is_last_day
                from {{ flags_relation }}
                where
                    {{ flags_relation }}.member_{{ loop.index }}
                    and (not {{ flags_relation }}.before_{{ loop.index }} or not {{ flags_relation }}.after_{{ loop.index }})
                {% if not loop.last %}union all{% endif %}
                {%- endfor %}
            ) as bounds
            window spell_order as (
                partition by bounds.segment_id, bounds.account_id order by bounds.day_number
            )
        ) as spell_bounds
        where spell_bounds.is_first_day
    {% endif %}
{%- endmacro %}
