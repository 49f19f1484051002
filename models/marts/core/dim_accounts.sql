{#-
  One golden record per account (company): the account 360. The record itself (survivorship
  from seeds/survivorship_rules.csv with provenance in <attribute>_source, owner, region,
  size band, current plan and MRR/ARR) is int_core__accounts; this mart adds what the other
  teams know of the account: the rest of billing (Stripe owns revenue, tenure, renewal and
  past-due; int_accounts__billing), the pipeline (int_accounts__crm), support
  (int_accounts__support), the last touch per team, engagement and the journey stage. Every
  "as of" figure is at the data's end (as_of_at), never now(). A deliberate fan-in: the
  360 is where the domains meet.
-#}
-- depends_on: {{ ref('team_categories') }}
with

accounts as (
    select * from {{ ref('int_core__accounts') }}
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

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.primary_domain,
        accounts.industry,
        accounts.region,
        accounts.country,
        accounts.owner_user_id,
        accounts.owner_name,
        accounts.owner_team,
        accounts.plan,
        accounts.current_mrr,
        cast(coalesce(billing.seats, 0) as integer) as seats,
        accounts.is_customer,
        accounts.salesforce_account_ids,
        accounts.stripe_customer_ids,
        accounts.zendesk_organization_ids,
        accounts.source_record_count,
        accounts.contact_count,
        accounts.first_seen_at,
        accounts.is_deleted_everywhere,
        -- survivorship provenance
        accounts.account_name_source,
        accounts.primary_domain_source,
        accounts.country_source,
        accounts.industry_source,
        accounts.owner_source,
        -- firmographics and ownership
        accounts.employee_count,
        accounts.company_size_band,
        accounts.billing_email,
        accounts.owner_role,
        -- billing (Stripe owns revenue)
        billing.billing_interval,
        accounts.last_plan,
        billing.products,
        accounts.arr,
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
        -- last touch per team (every outbound message; the teams of seeds/team_categories.csv)
        {% for team in team_names() %}
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
    from accounts
    cross join as_of
    left join billing
        on accounts.account_id = billing.account_id
    left join crm
        on accounts.account_id = crm.account_id
    left join support
        on accounts.account_id = support.account_id
    left join last_touch
        on accounts.account_id = last_touch.account_id
    left join current_stage
        on accounts.account_id = current_stage.account_id
    left join engagement
        on accounts.account_id = engagement.account_id
)

select * from final
