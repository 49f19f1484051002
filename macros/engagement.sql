{#-
  Engagement helpers shared by int_contacts__engagement and int_accounts__engagement.
  Definitions (also in models/intermediate/engagement/_docs.md):
  - windows end at the data's end (as_of_at, the latest timestamp seen), never now():
    "last N days" = occurred_at in (as_of_at - N days, as_of_at];
  - points of an event = its weight (seed engagement_event_types);
  - engagement_score = sum of points of the events in the last 90 days, events in the last
    30 days counting twice;
  - trend compares points in the last 30 days with points in the 30 days before.
-#}

{#- Lower-case words (a-z, 0-9) of a text, one space apart and padded with spaces, for
    whole-word matching: 'VP, Sales' -> ' vp sales '; null -> '  '. -#}
{% macro padded_words(expression) -%}
    ' ' || trim({{ regexp_replace_all("lower(coalesce(" ~ expression ~ ", ''))", "'[^a-z0-9]+'", "' '") }}) || ' '
{%- endmacro %}


{#-
  rising / falling / stable / inactive from the points of the last 30 days (current) and
  the 30 days before (previous). A change counts when it is at least
  var engagement_trend_min_change_points points AND at least
  var engagement_trend_min_change_ratio of the previous points.
-#}
{% macro engagement_trend(current, previous) -%}
    {%- set min_points = var('engagement_trend_min_change_points', 2) -%}
    {%- set ratio = var('engagement_trend_min_change_ratio', 0.25) -%}
    case
        when {{ current }} = 0 and {{ previous }} = 0 then 'inactive'
        when
            {{ current }} - {{ previous }} >= {{ min_points }}
            and {{ current }} >= {{ previous }} * (1 + {{ ratio }})
            then 'rising'
        when
            {{ previous }} - {{ current }} >= {{ min_points }}
            and {{ current }} <= {{ previous }} * (1 - {{ ratio }})
            then 'falling'
        else 'stable'
    end
{%- endmacro %}


{#- The event kinds counted per window: (event_type, column prefix). -#}
{% macro engagement_event_kinds() -%}
    {{ return([('open', 'opens'), ('click', 'clicks'), ('reply', 'replies'), ('meeting', 'meetings'), ('ticket_opened', 'tickets')]) }}
{%- endmacro %}


{#-
  Aggregates over rows of `windowed` (event_type, points, is_last_30d, is_last_90d,
  is_previous_30d, occurred_at): counts per kind and window, points, score, last event.
-#}
{% macro engagement_aggregates() -%}
    {%- for event_type, prefix in engagement_event_kinds() %}
        {%- for days in [30, 90] %}
        cast(sum(case when event_type = '{{ event_type }}' and is_last_{{ days }}d then 1 else 0 end) as integer)
            as {{ prefix }}_{{ days }}d,
        {%- endfor %}
    {%- endfor %}
        cast(sum(case when is_last_30d then points else 0 end) as integer) as points_30d,
        cast(sum(case when is_previous_30d then points else 0 end) as integer) as points_previous_30d,
        cast(sum(
            case when is_last_30d then 2 * points when is_last_90d then points else 0 end
        ) as integer) as engagement_score,
        max(occurred_at) as last_engaged_at
{%- endmacro %}


{#- Window flags for an event time against as_of_at. -#}
{% macro engagement_window_flags(occurred_at, as_of_at) -%}
    {{ occurred_at }} > {{ add_interval('day', -30, as_of_at) }} as is_last_30d,
    {{ occurred_at }} > {{ add_interval('day', -90, as_of_at) }} as is_last_90d,
    (
        {{ occurred_at }} > {{ add_interval('day', -60, as_of_at) }}
        and {{ occurred_at }} <= {{ add_interval('day', -30, as_of_at) }}
    ) as is_previous_30d
{%- endmacro %}
