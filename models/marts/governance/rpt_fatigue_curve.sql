{#-
  Fatigue curve: unsubscribe and open rate of marketing sends by the number of messages
  (any team) the contact received before the send, over the prior 7 and 30 days, and the
  recommended weekly cap derived from it. One row per (window, messages_prior bucket).
  Population: marketing sends of int_engagement__sends_with_history that could still
  cause an unsubscribe (not sent after the contact's own earlier unsubscribe).
  Buckets: messages_prior = the count, the tail pooled at var fatigue_tail_7d (default 10,
  i.e. "10+") for 7d and var fatigue_tail_30d (default 20) for 30d.
  Baseline (per window): the pooled unsubscribe rate of sends with messages_prior <=
  var fatigue_baseline_max_messages (default 1).
  Recommended cap (7d window, same value on every row):
  - threshold = var fatigue_multiple_of_baseline (default 2.0) x the 7d baseline;
  - evidence for a bucket n > baseline_max: the bucket itself when it has at least
    var fatigue_min_sends (default 1000) sends, else the pool of all sends with
    messages_prior >= n; it is sufficient when that pool has >= fatigue_min_sends sends;
  - bucket n is fatigued when its evidence is sufficient and its rate > threshold;
  - the first fatigued volume F is the smallest fatigued n such that every bucket above
    it with sufficient evidence is fatigued too (the rise is sustained, not a blip);
  - recommended_cap_per_week = F - 1; with no fatigued bucket, the largest n with
    sufficient evidence (no fatigue observed up to that volume).
-#}
{%- set tail_7d = var('fatigue_tail_7d', 10) | int -%}
{%- set tail_30d = var('fatigue_tail_30d', 20) | int -%}
{%- set baseline_max = var('fatigue_baseline_max_messages', 1) | int -%}
{%- set multiple = var('fatigue_multiple_of_baseline', 2.0) | float -%}
{%- set min_sends = var('fatigue_min_sends', 1000) | int -%}

with

sends as (
    select * from {{ ref('int_engagement__sends_with_history') }}
),

at_risk as (
    select * from sends
    where not is_after_contact_unsubscribe
),

bucketed as (
    select
        '7d' as window_name,
        7 as window_days,
        case when messages_prior_7d >= {{ tail_7d }} then {{ tail_7d }} else messages_prior_7d end
            as messages_prior,
        messages_prior_7d >= {{ tail_7d }} as is_tail_bucket,
        is_unsubscribed,
        is_opened
    from at_risk

    union all

    select
        '30d' as window_name,
        30 as window_days,
        case when messages_prior_30d >= {{ tail_30d }} then {{ tail_30d }} else messages_prior_30d end
            as messages_prior,
        messages_prior_30d >= {{ tail_30d }} as is_tail_bucket,
        is_unsubscribed,
        is_opened
    from at_risk
),

curve as (
    select
        window_name,
        window_days,
        messages_prior,
        max(is_tail_bucket) as is_tail_bucket,
        count(*) as sends,
        sum(case when is_unsubscribed then 1 else 0 end) as unsubscribes,
        sum(case when is_opened then 1 else 0 end) as opens
    from bucketed
    group by window_name, window_days, messages_prior
),

baselines as (
    select
        window_name,
        sum(sends) as baseline_sends,
        sum(unsubscribes) as baseline_unsubscribes,
        cast(sum(unsubscribes) as double) / nullif(sum(sends), 0) as baseline_unsubscribe_rate
    from curve
    where messages_prior <= {{ baseline_max }}
    group by window_name
),

with_tail_pool as (
    select
        curve.*,
        sum(curve.sends) over (
            partition by curve.window_name
            order by curve.messages_prior desc rows between unbounded preceding and current row
        ) as tail_pool_sends,
        sum(curve.unsubscribes) over (
            partition by curve.window_name
            order by curve.messages_prior desc rows between unbounded preceding and current row
        ) as tail_pool_unsubscribes
    from curve
),

evidence as (
    select
        with_tail_pool.*,
        baselines.baseline_unsubscribe_rate,
        case
            when with_tail_pool.sends >= {{ min_sends }} then with_tail_pool.sends
            else with_tail_pool.tail_pool_sends
        end as evidence_sends,
        case
            when with_tail_pool.sends >= {{ min_sends }} then with_tail_pool.unsubscribes
            else with_tail_pool.tail_pool_unsubscribes
        end as evidence_unsubscribes
    from with_tail_pool
    left join baselines
        on with_tail_pool.window_name = baselines.window_name
),

flagged as (
    select
        evidence.*,
        cast(evidence.evidence_unsubscribes as double)
        / nullif(evidence.evidence_sends, 0) as evidence_unsubscribe_rate,
        evidence.messages_prior > {{ baseline_max }}
        and evidence.evidence_sends >= {{ min_sends }} as has_sufficient_evidence,
        evidence.messages_prior > {{ baseline_max }}
        and evidence.evidence_sends >= {{ min_sends }}
        and cast(evidence.evidence_unsubscribes as double) / nullif(evidence.evidence_sends, 0)
        > {{ multiple }} * evidence.baseline_unsubscribe_rate as is_fatigued
    from evidence
),

sustained as (
    select
        flagged.*,
        -- 1 when every bucket from here up with sufficient evidence is fatigued
        min(
            case
                when flagged.has_sufficient_evidence and not coalesce(flagged.is_fatigued, false) then 0 else 1
            end
        ) over (
            partition by flagged.window_name
            order by flagged.messages_prior desc rows between unbounded preceding and current row
        ) as is_sustained_from_here
    from flagged
),

recommendation as (
    select
        coalesce(
            min(case when is_fatigued and is_sustained_from_here = 1 then messages_prior end) - 1,
            max(case when has_sufficient_evidence then messages_prior end),
            {{ baseline_max }}
        ) as recommended_cap_per_week
    from sustained
    where window_name = '7d'
),

final as (
    select
        sustained.window_name,
        cast(sustained.window_days as integer) as window_days,
        cast(sustained.messages_prior as integer) as messages_prior,
        case
            when sustained.is_tail_bucket
                then cast(sustained.messages_prior as {{ dbt.type_string() }}) || '+'
            else cast(sustained.messages_prior as {{ dbt.type_string() }})
        end as messages_prior_label,
        sustained.is_tail_bucket,
        cast(sustained.sends as bigint) as sends,
        cast(sustained.unsubscribes as bigint) as unsubscribes,
        cast(sustained.unsubscribes as double) / nullif(sustained.sends, 0) as unsubscribe_rate,
        cast(sustained.opens as bigint) as opens,
        cast(sustained.opens as double) / nullif(sustained.sends, 0) as open_rate,
        sustained.baseline_unsubscribe_rate,
        cast(sustained.unsubscribes as double) / nullif(sustained.sends, 0)
        / nullif(sustained.baseline_unsubscribe_rate, 0) as rate_multiple_of_baseline,
        cast(sustained.evidence_sends as bigint) as evidence_sends,
        sustained.evidence_unsubscribe_rate,
        sustained.has_sufficient_evidence,
        coalesce(sustained.is_fatigued, false) as is_fatigued,
        cast({{ multiple }} as double) as fatigue_multiple_of_baseline,
        cast({{ min_sends }} as integer) as min_sends_per_bucket,
        cast(recommendation.recommended_cap_per_week as integer) as recommended_cap_per_week
    from sustained
    cross join recommendation
)

select * from final
