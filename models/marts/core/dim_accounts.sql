{#-
  One golden record per account (company): the account 360. Survivorship is data: each
  governed attribute (name, domain, country, industry, owner, size, billing email) is
  picked by its rule in seeds/survivorship_rules.csv (int_accounts__survivorship), with
  the source that won in <attribute>_source. Billing (Stripe) owns plan, MRR/ARR, tenure,
  renewal, revenue and past-due (int_accounts__billing); the CRM owns the pipeline
  (int_accounts__crm); support and last-touch facts come from Zendesk tickets and every
  outbound message. Every "as of" figure is at the data's end (as_of_at), never now().
-#}
with

account_records as (
    select * from {{ ref('int_identity__account_records') }}
),

account_clusters as (
    select * from {{ ref('int_identity__account_clusters') }}
),

survivorship as (
    select * from {{ ref('int_accounts__survivorship') }}
),

billing as (
    select * from {{ ref('int_accounts__billing') }}
),

crm as (
    select * from {{ ref('int_accounts__crm') }}
),

support as (
    select * from {{ ref('int_accounts__support') }}
),

last_touch as (
    select * from {{ ref('int_accounts__last_touch') }}
),

engagement as (
    select * from {{ ref('int_accounts__engagement') }}
),

current_stage as (
    select * from {{ ref('int_accounts__current_stage') }}
),

as_of as (
    select * from {{ ref('int_core__data_end') }}
),

contact_accounts as (
    select * from {{ ref('int_identity__contact_accounts') }}
),

country_regions as (
    select * from {{ ref('country_regions') }}
),

size_bands as (
    select * from {{ ref('company_size_bands') }}
),

records as (
    select
        account_records.*,
        account_clusters.account_id
    from account_records
    inner join account_clusters
        on account_records.record_key = account_clusters.record_key
),

source_ids as (
    select
        account_id,
        {{ agg_distinct_list("case when source_system = 'salesforce' then source_record_id end") }}
            as salesforce_account_ids,
        {{ agg_distinct_list("case when source_system = 'stripe' then source_record_id end") }}
            as stripe_customer_ids,
        {{ agg_distinct_list("case when source_system = 'zendesk' then source_record_id end") }}
            as zendesk_organization_ids,
        count(*) as source_record_count,
        min(created_at) as first_seen_at,
        min(case when is_deleted then 1 else 0 end) = 1 as is_deleted_everywhere
    from records
    group by account_id
),

{%- set governed = [
    'account_name', 'primary_domain', 'country', 'industry', 'owner_user_id', 'employee_count', 'billing_email'
] %}

golden as (
    select
        account_id,
        {% for attribute in governed %}
            max(case when attribute = '{{ attribute }}' then attribute_value end) as {{ attribute }},
            max(case when attribute = '{{ attribute }}' then source_system end) as {{ attribute }}_source
            {%- if not loop.last %},{% endif %}
        {% endfor %}
    from survivorship
    group by account_id
),

owners as (
    select
        user_id,
        full_name,
        role_name,
        team
    from {{ ref('int_crm__user_teams') }}
),

contact_counts as (
    select
        account_id,
        count(*) as contact_count
    from contact_accounts
    group by account_id
),

final as (
    select
        source_ids.account_id,
        golden.account_name,
        golden.primary_domain,
        golden.industry,
        country_regions.region,
        coalesce(country_regions.country_code, golden.country) as country,
        golden.owner_user_id,
        owners.full_name as owner_name,
        owners.team as owner_team,
        billing.plan,
        cast(coalesce(billing.mrr, 0) as decimal(18, 2)) as current_mrr,
        cast(coalesce(billing.seats, 0) as integer) as seats,
        coalesce(billing.mrr, 0) > 0 as is_customer,
        source_ids.salesforce_account_ids,
        source_ids.stripe_customer_ids,
        source_ids.zendesk_organization_ids,
        cast(source_ids.source_record_count as integer) as source_record_count,
        cast(coalesce(contact_counts.contact_count, 0) as integer) as contact_count,
        source_ids.first_seen_at,
        source_ids.is_deleted_everywhere,
        -- survivorship provenance
        golden.account_name_source,
        golden.primary_domain_source,
        golden.country_source,
        golden.industry_source,
        golden.owner_user_id_source as owner_source,
        -- firmographics and ownership
        cast({{ dbt.safe_cast('golden.employee_count', 'integer') }} as integer) as employee_count,
        size_bands.size_band as company_size_band,
        golden.billing_email,
        owners.role_name as owner_role,
        -- billing (Stripe owns revenue)
        billing.billing_interval,
        billing.last_plan,
        billing.products,
        cast(coalesce(billing.arr, 0) as decimal(18, 2)) as arr,
        cast(coalesce(billing.live_subscription_count, 0) as integer) as live_subscription_count,
        billing.first_subscription_at,
        billing.last_subscription_at,
        coalesce(billing.is_churned, false) as is_churned,
        billing.churned_at,
        cast(billing.tenure_days as integer) as tenure_days,
        cast(billing.next_renewal_at as date) as next_renewal_date,
        coalesce(billing.has_scheduled_cancellation, false) as has_scheduled_cancellation,
        cast(coalesce(billing.lifetime_revenue_paid, 0) as decimal(18, 2)) as lifetime_revenue_paid,
        cast(coalesce(billing.past_due_balance, 0) as decimal(18, 2)) as past_due_balance,
        cast(coalesce(billing.past_due_invoice_count, 0) as integer) as past_due_invoice_count,
        coalesce(billing.has_past_due_invoice, false) as has_past_due_invoice,
        -- pipeline (CRM)
        cast(coalesce(crm.open_opportunity_count, 0) as integer) as open_opportunity_count,
        cast(coalesce(crm.open_opportunity_amount, 0) as decimal(18, 2)) as open_opportunity_amount,
        crm.next_opportunity_close_date,
        -- support (Zendesk)
        cast(coalesce(support.ticket_count, 0) as integer) as ticket_count,
        cast(coalesce(support.tickets_opened_last_90_days, 0) as integer) as tickets_opened_last_90_days,
        cast(coalesce(support.open_ticket_count, 0) as integer) as open_ticket_count,
        support.last_ticket_at,
        support.median_first_reply_hours,
        support.csat_average,
        cast(coalesce(support.csat_count, 0) as integer) as csat_count,
        -- last touch per team (every outbound message)
        {% for team in ['marketing', 'customer_success', 'account_management', 'sales', 'support', 'billing'] %}
            last_touch.last_touch_{{ team }}_at,
        {% endfor %}
        last_touch.last_touch_at,
        last_touch.last_touch_team,
        -- engagement (int_accounts__engagement; as of the data's end)
        cast(engagement.engagement_score as double) as engagement_score,
        engagement.engagement_trend,
        cast(engagement.engaged_contacts_30d as integer) as engaged_contacts_30d,
        engagement.last_engaged_at,
        -- journey (seed journey_stage_rules, daily state)
        current_stage.journey_stage,
        current_stage.stage_entered_at,
        current_stage.stage_rule,
        as_of.as_of_at
    from source_ids
    cross join as_of
    left join golden
        on source_ids.account_id = golden.account_id
    left join owners
        on golden.owner_user_id = owners.user_id
    left join billing
        on source_ids.account_id = billing.account_id
    left join crm
        on source_ids.account_id = crm.account_id
    left join support
        on source_ids.account_id = support.account_id
    left join last_touch
        on source_ids.account_id = last_touch.account_id
    left join current_stage
        on source_ids.account_id = current_stage.account_id
    left join engagement
        on source_ids.account_id = engagement.account_id
    left join contact_counts
        on source_ids.account_id = contact_counts.account_id
    left join country_regions
        on
            upper(golden.country) = country_regions.country_code
            or lower(golden.country) = lower(country_regions.country_name)
    left join size_bands
        on
            {{ dbt.safe_cast('golden.employee_count', 'integer') }} >= size_bands.min_employees
            and (
                {{ dbt.safe_cast('golden.employee_count', 'integer') }} <= size_bands.max_employees
                or size_bands.max_employees is null
            )
)

select * from final
