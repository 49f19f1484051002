{#-
  One persona per contact, by the rules of seed persona_rules, joined as data: a rule
  matches when all of its conditions hold (empty = no condition):
  - title_keywords: '|'-separated keywords; one of them occurs in the title as whole
    words (case-insensitive; punctuation counts as a space, so 'VP' matches 'VP, Sales'
    and 'VP of Engineering' but not 'MVP'; 'cto' does not match 'Director'); '*' = any
    non-empty title;
  - is_billing_contact: equals the contact's (the billing email of a Stripe customer);
  - min_tickets_90d / min_engagement_score: at least that many tickets opened / points.
  Of the matching rules the lowest precedence wins (ties: rule_id); persona_rule names it.
  A contact no rule matches gets `unknown` / `no_rule_matched`. Keywords are compared by
  position, so a rule may list at most 30 keywords (data test).
-#}
with

persona_rules as (
    select * from {{ ref('persona_rules') }}
),

persona_signals as (
    select * from {{ ref('int_contacts__persona_signals') }}
),

signals as (
    select
        persona_signals.*,
        {{ padded_words('persona_signals.title') }} as title_words
    from persona_signals
),

keyword_positions as (
    {%- for position in range(1, 31) %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select {{ position }} as keyword_position
    {%- endfor %}
),

rule_keyword_parts as (
    select
        persona_rules.rule_id,
        trim({{ split_part_at('persona_rules.title_keywords', "'|'", 'keyword_positions.keyword_position') }})
            as keyword_raw
    from persona_rules
    cross join keyword_positions
    where nullif(trim(persona_rules.title_keywords), '') is not null
),

rule_keywords as (
    select
        rule_id,
        case when keyword_raw = '*' then '*' else {{ padded_words('keyword_raw') }} end as keyword
    from rule_keyword_parts
    where nullif(keyword_raw, '') is not null
),

title_matches as (
    select
        signals.contact_id,
        rule_keywords.rule_id,
        min(trim(rule_keywords.keyword)) as matched_keyword
    from signals
    inner join rule_keywords
        on
            (rule_keywords.keyword = '*' and trim(signals.title_words) <> '')
            or (
                rule_keywords.keyword <> '*'
                and trim(rule_keywords.keyword) <> ''
                and signals.title_words like '%' || rule_keywords.keyword || '%'
            )
    group by signals.contact_id, rule_keywords.rule_id
),

candidates as (
    select
        signals.contact_id,
        persona_rules.rule_id,
        persona_rules.persona,
        persona_rules.precedence,
        title_matches.matched_keyword,
        row_number() over (
            partition by signals.contact_id
            order by persona_rules.precedence, persona_rules.rule_id
        ) as rule_rank
    from signals
    cross join persona_rules
    left join title_matches
        on
            signals.contact_id = title_matches.contact_id
            and persona_rules.rule_id = title_matches.rule_id
    where
        (nullif(trim(persona_rules.title_keywords), '') is null or title_matches.rule_id is not null)
        and (
            persona_rules.is_billing_contact is null
            or persona_rules.is_billing_contact = signals.is_billing_contact
        )
        and (persona_rules.min_tickets_90d is null or signals.tickets_90d >= persona_rules.min_tickets_90d)
        and (
            persona_rules.min_engagement_score is null
            or signals.engagement_score >= persona_rules.min_engagement_score
        )
),

final as (
    select
        signals.contact_id,
        signals.title,
        signals.is_billing_contact,
        signals.tickets_90d,
        signals.engagement_score,
        coalesce(candidates.persona, 'unknown') as persona,
        coalesce(candidates.rule_id, 'no_rule_matched') as persona_rule,
        candidates.precedence as persona_rule_precedence,
        candidates.matched_keyword as persona_matched_keyword
    from signals
    left join candidates
        on signals.contact_id = candidates.contact_id and candidates.rule_rank = 1
)

select * from final
