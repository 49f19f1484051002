"""Static vocabularies for the synthetic generator (names, titles, places, text templates)."""

from __future__ import annotations

import unicodedata

# (display name, ascii slug used in emails)
FIRST_NAMES = [
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty",
    "Mark", "Sandra", "Steven", "Ashley", "Paul", "Emily", "Andrew", "Michelle", "Joshua",
    "Amanda", "Kevin", "Melissa", "Brian", "Stephanie", "George", "Rebecca", "Timothy",
    "Laura", "Ryan", "Sharon", "Jacob", "Cynthia", "Gary", "Kathleen", "Nicholas", "Amy",
    "Eric", "Angela", "Jonathan", "Anna", "Stephen", "Emma", "Larry", "Olivia", "José",
    "Zoë", "François", "Søren", "Renée", "Björn", "Chloé", "Jürgen", "Inés", "Noémie",
    "Hiroshi", "Yuki", "Priya", "Arjun", "Ananya", "Rahul", "Lucas", "Sofia", "Mateus",
    "Camila", "Liam", "Noah", "Mia", "Lena", "Jan", "Sanne", "Pieter", "Mei", "Wei", "Chen",
    "Fatima", "Omar", "Aisha", "Kenji", "Sakura", "Maëlle", "Anaïs", "Léa", "Hugo", "Clara",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
    "Roberts", "O'Brien", "O'Connor", "Müller", "Schmidt", "Schäfer", "Weiß", "Dubois",
    "Lefèvre", "Moreau", "Girard", "Bernard", "Fournier", "de Vries", "van Dijk", "Jansen",
    "Bakker", "Visser", "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Sato", "Patel",
    "Sharma", "Gupta", "Singh", "Kumar", "Iyer", "Silva", "Santos", "Oliveira", "Souza",
    "Pereira", "Costa", "Almeida", "Núñez", "Peña", "Ibáñez", "Kowalski", "Nowak",
    "Andersson", "Johansson", "Nielsen", "Hansen", "Brennan", "MacDonald", "Fitzgerald",
    "Chen", "Wang", "Li", "Zhang", "Liu", "Kim", "Park", "Choi", "Haddad", "Khan",
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Novak", "Horvat",
]


def slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in s.lower() if ch.isalnum())


FIRST_SLUGS = [slug(n) for n in FIRST_NAMES]
LAST_SLUGS = [slug(n) for n in LAST_NAMES]

CO_A = [
    "Acme", "Blue", "Nova", "Quant", "Bright", "Silver", "Iron", "Cedar", "Summit", "Harbor",
    "North", "Atlas", "Vertex", "Pixel", "Cobalt", "Lumen", "Orbit", "Prism", "Falcon",
    "Granite", "Maple", "Aurora", "Echo", "Delta", "Zenith", "Crimson", "Pioneer", "Beacon",
    "Copper", "Juniper", "Onyx", "Polar", "Rapid", "Sierra", "Terra", "Vivid", "Willow",
    "Apex", "Bold", "Clear", "Deep", "Ember", "Fern", "Golden", "Hyper", "Indigo", "Jade",
    "Kite", "Lunar", "Meta", "Nimbus", "Oak", "Peak", "Quartz", "River", "Solar", "Tidal",
    "Ultra", "Velvet", "Wild",
]
CO_B = [
    "", "stack", "wave", "leaf", "bridge", "point", "field", "stone", "gate", "line",
    "forge", "path", "works", "mind", "light", "cloud", "base", "craft", "spring", "view",
    "sight", "scale", "shift", "core", "loop", "mark", "port", "sky", "tree", "wind",
]
CO_C = [
    "Analytics", "Systems", "Labs", "Software", "Logistics", "Health", "Foods", "Energy",
    "Robotics", "Media", "Financial", "Capital", "Retail", "Security", "Networks",
    "Biotech", "Consulting", "Design", "Dynamics", "Solutions", "Studios", "Partners",
    "Technologies", "Manufacturing", "Insurance", "Education", "Travel", "Mobility",
    "Materials", "Data",
]
CO_D = ["", "Group", "Global", "Digital", "International", "Holdings", "Collective", "Works"]
LEGAL_SUFFIX = ["Inc", "Inc.", "LLC", "Ltd", "GmbH", "Corp", "Corp.", "Ltd.", "B.V.", "S.A."]
SECOND_TLDS = [".io", ".co", ".net", ".ai"]

INDUSTRIES = [
    "Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Education",
    "Media & Entertainment", "Logistics", "Energy", "Consulting", "Insurance", "Telecom",
]
# country code, name, weight, cities, iana tz, locale
COUNTRIES = [
    ("US", "United States", 0.36, ["New York", "San Francisco", "Austin", "Chicago", "Boston"],
     "America/New_York", "en-US"),
    ("CA", "Canada", 0.06, ["Toronto", "Montréal", "Vancouver"], "America/Toronto", "en-CA"),
    ("GB", "United Kingdom", 0.12, ["London", "Manchester", "Edinburgh"], "Europe/London",
     "en-GB"),
    ("DE", "Germany", 0.09, ["Berlin", "München", "Hamburg", "Köln"], "Europe/Berlin", "de"),
    ("FR", "France", 0.07, ["Paris", "Lyon", "Toulouse"], "Europe/Paris", "fr"),
    ("NL", "Netherlands", 0.05, ["Amsterdam", "Rotterdam", "Utrecht"], "Europe/Amsterdam",
     "nl"),
    ("AU", "Australia", 0.06, ["Sydney", "Melbourne", "Brisbane"], "Australia/Sydney",
     "en-AU"),
    ("JP", "Japan", 0.05, ["Tokyo", "Osaka", "Kyoto"], "Asia/Tokyo", "ja"),
    ("BR", "Brazil", 0.06, ["São Paulo", "Rio de Janeiro", "Curitiba"], "America/Sao_Paulo",
     "pt-BR"),
    ("IN", "India", 0.08, ["Bengaluru", "Mumbai", "Pune", "Hyderabad"], "Asia/Kolkata",
     "en-IN"),
]

# title category -> titles
TITLES = {
    "exec": ["CEO", "CTO", "CFO", "COO", "VP Engineering", "VP Operations", "Head of Data",
             "Chief Product Officer"],
    "admin": ["IT Administrator", "Operations Manager", "Systems Administrator",
              "IT Manager", "Platform Owner", "Head of IT"],
    "user": ["Software Engineer", "Analyst", "Data Analyst", "Product Manager",
             "Marketing Specialist", "Sales Representative", "Designer", "Data Engineer",
             "Project Manager", "Support Specialist", "Consultant", "Researcher"],
    "billing": ["Accounts Payable", "Finance Manager", "Controller", "Procurement Manager"],
}
TITLE_CATS = ["exec", "admin", "user", "billing"]
DEPARTMENTS = {"exec": "Executive", "admin": "IT", "user": "Operations", "billing": "Finance"}

ROLES = [
    "Director of Customer Success", "Customer Success Manager", "Account Manager",
    "Account Executive", "Sales Development Rep", "Marketing Manager", "Support Engineer",
    "Billing Specialist",
]

NEWSLETTER_SUBJECTS = [
    "The Weekly Ledger: what's new this week",
    "Your weekly digest — tips, releases & events",
    'Tips & tricks: "dashboards that don\'t lie"',
    "This week at Lumenary: réunions, releases, and more",
]
LAUNCH_SUBJECTS = [
    "Introducing Lumenary {n}: faster, smarter, simpler",
    "Now live: the new {n} workspace",
    'Last call: "{n}" launch webinar, seats limited',
]
NURTURE_SUBJECTS = [
    "Welcome to Lumenary!", "Getting started: connect your first source",
    "3 dashboards every team needs", "Invite your teammates", "How is it going so far?",
]
TICKET_SUBJECTS = [
    "Cannot log in after password reset", "Export to CSV fails with \"timeout\" error",
    "Billing question: invoice amount, seats, and tax", "SSO configuration (SAML) not working",
    "Dashboard loads slowly, sometimes never", "Feature request: dark mode, please",
    "API rate limit exceeded", "Données manquantes dans le rapport mensuel",
    "How do I add users to our workspace?", "Charge failed — card declined",
]
COMMENT_REQUESTER = [
    "Hi, we are seeing this since this morning, can you help?",
    'Our team says "it just spins", any idea?',
    "Thanks for the quick reply, that worked.",
    "Still happening for us, attaching screenshots.",
    "Merci, c'est réglé.",
]
COMMENT_AGENT = [
    "Thanks for reaching out! Could you share the workspace URL, please?",
    'I\'ve escalated this to our engineers; status is "investigating".',
    "This should now be fixed, could you confirm on your side?",
    "Here are the steps: Settings > Users > Invite, then choose the role.",
    "We've refunded the difference, you'll see it in 5–10 business days.",
]
COMMENT_PRIVATE = [
    "Internal: customer is on enterprise, prioritise.",
    'Internal note: known bug, see JIRA "EXP-1234".',
    "Checked logs, looks like a proxy issue on their side.",
]
TASK_SUBJECTS = {
    "checkin": ["Check-in: how is everything going?", "Quick check-in, usage review"],
    "qbr": ["QBR prep: agenda, metrics & goals", "QBR follow-up", "Scheduling your QBR"],
    "renewal": ["Renewal coming up — let's talk", "Renewal: pricing, seats and terms",
                "Renewal call"],
    "upsell": ["Upgrade options for your team", "Enterprise features: SSO, audit logs",
               "Follow-up: upgrade proposal"],
    "billing": ["Past-due invoice reminder", "Payment reminder: invoice overdue",
                "Call about outstanding balance"],
    "marketing": ["Event invite: Lumenary Summit", "Customer story interview request"],
    "other": ["Update account plan", "Internal: review health score", "Log meeting notes"],
    "meeting": ["Onsite meeting", "QBR meeting", "Renewal negotiation meeting"],
}
