"""In-process measurements for `make bench` (run by bench/run.py against the benchmark database).

Prints one JSON line: {"sections": {title: [[measure, value], ...]}, "page_sizes": {...},
"extra_pages": [...], "correctness_failures": [...]}.
"""

import importlib
import importlib.util
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from clients import bench_clients  # noqa: E402 (bench/ is this script's folder)
from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from anpp_portal import outbox  # noqa: E402
from anpp_portal.models import OutboundEmail  # noqa: E402
from members import services  # noqa: E402
from members.models import AdhesionCampaign, Role, Territory, TerritoryMembership, User  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
sections: dict[str, list] = {}
failures: list[str] = []


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(function, repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return durations


def p95(values):
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


anonymous, referent, staff = bench_clients()

# --- Search (publications) -------------------------------------------------------------------------
queries = [
    "contrat",
    "reciprocite",
    "ruralité",
    "territoires",
    "conseil de développement",
    "santé",
    "numérique",
    "bocage",
]

from publications.models import Article  # noqa: E402

durations = []
# Each query is asked 12 times: the anonymous page cache would answer 11 of them without
# searching, so it is off here. This measures the search itself.
with override_settings(ANPP_PAGE_CACHE_SECONDS=0):
    for query in queries:
        durations += timed(lambda q=query: anonymous.get("/publications/recherche/", {"q": q}), 12)
sections["Recherche plein texte (publications)"] = [
    ["Articles indexés", f"{Article.objects.count():,}"],
    [
        "Requêtes",
        f"{len(durations)} ({len(queries)} mots ou expressions, page 1, vue complète, sans cache de page)",
    ],
    ["p50", ms(statistics.median(durations))],
    ["p95", ms(p95(durations))],
    ["Objectif p95", "< 50 ms"],
]

# --- PDF of the first issue -----------------------------------------------------------------------
from publications import services as publications  # noqa: E402
from publications.demo import FIRST_ISSUE  # noqa: E402 (the first issue ships with the project)
from publications.models import Issue, IssuePDF  # noqa: E402

pdf_entries = []
publications.issue_import(folder=FIRST_ISSUE)
issue = Issue.objects.get(number=1)
publications.issue_publish(issue=issue)
record = publications.pdf_request(issue=issue)
started = time.perf_counter()
publications.pdf_render(record_id=record.pk)
pdf_entries.append(["Premier numéro (Hiver 2018 / n°01), rendu", ms(time.perf_counter() - started)])
again = publications.pdf_request(issue=issue)
started = time.perf_counter()
rendered_again = publications.pdf_render(record_id=again.pk)
pdf_entries.append(["Deuxième demande (déjà rendu)", ms(time.perf_counter() - started)])
if rendered_again or IssuePDF.objects.filter(issue=issue).count() != 1:
    failures.append("the first issue's PDF was rendered twice")

# --- Adhésions: the staff dashboard and list --------------------------------------------------------
# The dashboard's figures computed on each request (the page keeps them as a fragment between two
# changes: its kept render is in the logged-in table of the HTTP run).
with override_settings(ANPP_PAGE_CACHE_SECONDS=0):
    dashboard = timed(lambda: staff.get("/tableau-de-bord/", {"annee": 2018}), 15)
changelist = timed(lambda: staff.get("/admin/members/adhesion/"), 10)
sections["Adhésions : tableau de bord et liste (1 500 territoires × 3 ans)"] = [
    ["Tableau de bord 2018, p50", ms(statistics.median(dashboard))],
    ["Tableau de bord 2018, p95", ms(p95(dashboard))],
    ["Liste admin des adhésions (4 500), p50", ms(statistics.median(changelist))],
]

# --- Reminders: 10,000 due, recorded then delivered by one worker ----------------------------------
today = timezone.localdate()
campaign = AdhesionCampaign.objects.create(
    year=today.year,
    opens_on=today - timedelta(days=20),
    closes_on=today + timedelta(days=60),
    fee_mode=AdhesionCampaign.FeeMode.PER_INHABITANT,
    population_year=today.year - 3,
    reminder_days_without_submission=[15],
)
territories = list(Territory.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
existing = TerritoryMembership.objects.filter(role=Role.REFERENT, territory_id__in=territories).count()
extra = 10_000 - existing
password = User.objects.get(email="referent0000@bench.test").password
User.objects.bulk_create(
    [
        User(email=f"extra{n:05d}@bench.test", first_name="Autre", last_name="Référent", password=password)
        for n in range(extra)
    ],
    batch_size=1000,
)
extra_ids = list(User.objects.filter(email__startswith="extra").order_by("pk").values_list("pk", flat=True))
TerritoryMembership.objects.bulk_create(
    [
        TerritoryMembership(user_id=pk, territory_id=territories[i % len(territories)], role=Role.REFERENT)
        for i, pk in enumerate(extra_ids)
    ],
    batch_size=1000,
)
started = time.perf_counter()
recorded = services.adhesion_reminders_send(today=today)
recording = time.perf_counter() - started
again = services.adhesion_reminders_send(today=today)
started = time.perf_counter()
later = timezone.now() + timedelta(minutes=5)
delivered = 0
while True:
    sent = outbox.emails_relay(now=later, limit=1000)
    delivered += sent
    if not sent:
        break
delivery = time.perf_counter() - started
sent_rows = OutboundEmail.objects.filter(
    key__startswith=f"adhesion-reminder:{today.year}:", status=OutboundEmail.Status.SENT
).count()
if recorded != 10_000:
    failures.append(f"reminders recorded: {recorded}, expected 10000")
if again != 0:
    failures.append(f"a second beat run recorded {again} more reminders")
if delivered != 10_000 or sent_rows != 10_000:
    failures.append(f"reminders delivered: {delivered} ({sent_rows} rows sent), expected 10000")
sections["Relances : 10 000 dues, un seul worker"] = [
    ["Enregistrement (clé unique par relance)", f"{recording:.1f} s"],
    ["Envoi par le relais (backend SMTP factice)", f"{delivery:.1f} s ({10_000 / delivery:.0f} emails/s)"],
    ["Relances enregistrées / envoyées / doublons au 2e passage", f"{recorded} / {delivered} / {again}"],
]

# --- Page sizes (for the static files of the same size); query counts are bench/query_counts.py ----
pages = {
    "/": anonymous,
    "/publications/": anonymous,
    "/publications/100/": anonymous,
    "/publications/recherche/?q=contrat": anonymous,
    "/territoire/": referent,
    "/tableau-de-bord/?annee=2018": staff,
    "/admin/members/adhesion/": staff,
}
extra_pages = []
for app in ("events",):
    if importlib.util.find_spec(f"{app}.bench") is not None:
        module = importlib.import_module(f"{app}.bench")
        title, entries, app_failures, app_pages = module.measure(anonymous=anonymous, staff=staff)
        sections[title] = entries
        failures += app_failures
        extra_pages += app_pages
        pages.update({path: anonymous for _label, path in app_pages})
page_sizes = {}
for path, client in pages.items():
    response = client.get(path)
    if response.status_code != 200:
        failures.append(f"{path} answered {response.status_code} in process")
    page_sizes[path] = len(response.content)
sections["PDF"] = pdf_entries + sections.pop("PDF", [])

print(
    json.dumps(
        {
            "sections": sections,
            "page_sizes": page_sizes,
            "extra_pages": extra_pages,
            "correctness_failures": failures,
        }
    )
)
