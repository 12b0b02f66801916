"""Query counts of the list pages, for `make bench`: bench/run.py runs this on the benchmark database
and on a small one (about 10 rows of everything), so results.md shows each list page's count at
both sizes: a count that grows with the rows is an N+1 query. Prints one JSON line.

The page cache is off here: what is counted is the rendering of each page.
"""

import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anpp_portal.settings")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from clients import bench_clients  # noqa: E402 (bench/ is this script's folder)
from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from events.models import Event, Participant  # noqa: E402
from members.models import Adhesion, AdhesionCampaign, Territory  # noqa: E402
from publications.models import Article, Issue  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
settings.ANPP_PAGE_CACHE_SECONDS = 0
PROJECT_APPS = {"members", "events", "publications", "anpp_portal"}


anonymous, referent, staff = bench_clients()
latest_issue = Issue.objects.filter(status=Issue.Status.PUBLISHED).order_by("-number").first()
event = Event.objects.filter(slug="bench-evenement-000").first()
year = AdhesionCampaign.objects.order_by("year").values_list("year", flat=True).first()

pages = [
    ("`/publications/`", "/publications/", anonymous, f"{Article.objects.count()} articles"),
    (
        "`/publications/<numéro>/`",
        f"/publications/{latest_issue.number}/",
        anonymous,
        f"{latest_issue.articles.count()} articles",
    ),
    (
        "`/publications/recherche/?q=contrat`",
        "/publications/recherche/?q=contrat",
        anonymous,
        f"{Article.objects.count()} articles",
    ),
    ("`/evenements/`", "/evenements/", anonymous, f"{Event.objects.count()} événements"),
    (
        "`/evenements/<slug>/`",
        f"/evenements/{event.slug}/",
        anonymous,
        f"{event.participants.count()} participants",
    ),
    ("`/territoire/`", "/territoire/", referent, "1 territoire"),
    (
        "`/tableau-de-bord/?annee=<année>`",
        f"/tableau-de-bord/?annee={year}",
        staff,
        f"{Adhesion.objects.filter(campaign__year=year).count()} adhésions",
    ),
    (
        "`/tableau-de-bord/panorama/`",
        "/tableau-de-bord/panorama/",
        staff,
        f"{Territory.objects.count()} territoires",
    ),
]
for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
    if model._meta.app_label not in PROJECT_APPS:
        continue
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    shown = min(model.objects.count(), model_admin.list_per_page)
    pages.append((f"admin `{model._meta.label}`", url, staff, f"{model.objects.count()} (page de {shown})"))

results = []
for label, path, client, rows in pages:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    results.append({"label": label, "rows": rows, "queries": len(captured), "status": response.status_code})
print(json.dumps({"participants": Participant.objects.count(), "pages": results}))
