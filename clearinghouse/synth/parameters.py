"""The simulated company's fixed parameters: size, time window, prices, fatigue, email mess.

Every number that shapes the simulation and is not local to one stage lives here, named.
"""

from __future__ import annotations

import numpy as np

SCALES = {"demo": 1, "small": 10, "medium": 100, "large": 1000}
ACCOUNTS_PER_UNIT = 300  # accounts per scale unit: demo 300, small 3,000, ...
CHUNK_ACCOUNTS = 2000  # accounts simulated and written together
WINDOW_DAYS = 548  # 18 months of activity before the end date

# Fatigue: the chance that a marketing send makes its recipient unsubscribe grows with the
# number of outbound messages the person received in the 7 days before it (truth written to
# parameters.json; the fatigue model is scored against it).
FATIGUE = {"window_days": 7, "knee": 2, "base": 0.002, "slope": 2.0}
LEAK_SHARE = 0.05  # unsubscribed people who keep receiving some marketing sends

PLANS = ["starter", "growth", "enterprise"]
PLAN_MONTHLY_USD = np.array([15, 40, 90])  # list price per seat and month; annual = 10 months
PORTAL_ID = 4_412_345  # HubSpot portal
APP_BATCH, APP_AUTOMATED = 113, 226  # HubSpot app ids of batch and automated (workflow) email
COMPANY_DOMAIN = "lumenary.io"
FREEMAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"]
FREEMAIL_WEIGHTS = [0.5, 0.2, 0.2, 0.1]

# Email variant rates per system: upper case, title case, stray whitespace, +tag,
# googlemail.com (share of gmail addresses).
EMAIL_VARIANTS = {
    "salesforce": (0.03, 0.08, 0.03, 0.02, 0.25),
    "hubspot": (0.02, 0.05, 0.02, 0.06, 0.30),
    "zendesk": (0.02, 0.04, 0.04, 0.02, 0.20),
    "stripe": (0.05, 0.10, 0.05, 0.03, 0.30),
}

# Campaign kinds (``Campaigns.kind``)
NEWSLETTER, LAUNCH, NURTURE, GHOST = 0, 1, 2, 3
NURTURE_STEP_DAYS = np.array([1, 3, 7, 12, 20])  # days after sign-up of the 5 nurture emails
# HubSpot's "send by time zone": this share of campaigns (any kind) is delivered at a business
# hour on each recipient's own wall clock (their account country's zone) instead of at one UTC
# moment. The others keep one UTC moment (batch) or the workflow's clock (nurture), so
# recipients far from it still get mail at night: quiet-hours violations come from those.
SEND_BY_TIME_ZONE_SHARE = 0.5
LOCAL_SEND_HOURS = (9, 15)  # a local-time campaign goes out from h:00 local, h in 9..15, + 0-2 h

# Salesforce task kinds (``Tasks.kind``), their subject lists in ``words.TASK_SUBJECTS``
TASK_KINDS = ["checkin", "qbr", "renewal", "upsell", "billing", "marketing", "other"]
CHECKIN, QBR, RENEWAL, UPSELL, BILLING_REMINDER, MARKETING_TASK, OTHER_TASK = range(7)
# Task subtypes (``Tasks.subtype``): what kind of activity the task records
EMAIL, CALL, MEETING, NOT_A_MESSAGE = range(4)
# Task statuses
COMPLETED, NOT_STARTED, IN_PROGRESS = range(3)

# Zendesk ticket statuses (index into TICKET_STATUSES) and comment kinds
TICKET_STATUSES = ["new", "open", "pending", "solved", "closed"]
REQUESTER_COMMENT, AGENT_REPLY, PRIVATE_NOTE = range(3)
