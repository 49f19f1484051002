-- int_contacts__personas compares at most 30 title keywords per persona rule
select
    rule_id,
    title_keywords
from {{ ref('persona_rules') }}
where length(title_keywords) - length(replace(title_keywords, '|', '')) + 1 > 30
