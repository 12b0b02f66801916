"""The pages a territory's person and ANPP staff live on, for the logged-in table of `make bench`.

`python bench/loggedin_pages.py` (run by bench/run.py on the benchmark database) prints one JSON
line: a session cookie for the territory's person and one for staff, and each page with its label,
path, who sees it and its size (rendered once in process, for the static file of the same size that
the page is compared with; whitenoise indexes static files when gunicorn starts, so the sizes are
known before).

The person is the référent of the benchmark's first territory, made a member of the current year
(a paid adhésion) so the members-only article shows its full text, as it does for members.

`python bench/loggedin_pages.py --profile PATH WHO` prints where the time of one page goes: the
page rendered 30 times in process under cProfile (page cache on, as gunicorn runs), as JSON.
"""

import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anpp_portal.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from members.models import Adhesion, AdhesionCampaign, Territory, User  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
MEMBER_EMAIL = "referent0000@bench.test"
STAFF_EMAIL = "staff@bench.test"
TERRITORY_SLUG = "bench-0000"
EVENT_SLUG = "bench-evenement-000"
YEAR = 2018  # the benchmark's campaigns are 2016 to 2018, with every territory's adhésion and fiche


def make_member() -> None:
    """The person's territory holds a paid adhésion of the current year (a member, today)."""
    today = timezone.localdate()
    campaign, _ = AdhesionCampaign.objects.get_or_create(
        year=today.year,
        defaults={
            "opens_on": date(today.year, 1, 1),
            "closes_on": date(today.year, 12, 31),
            "fee_mode": AdhesionCampaign.FeeMode.PER_INHABITANT,
            "rate_per_inhabitant": Decimal("0.05"),
            "population_year": today.year - 3,
        },
    )
    territory = Territory.objects.get(slug=TERRITORY_SLUG)
    Adhesion.objects.filter(territory=territory, campaign=campaign).delete()
    Adhesion.objects.create(
        territory=territory,
        campaign=campaign,
        status=Adhesion.Status.PAYEE,
        population=territory.population,
        amount=Decimal("1000"),
        amount_basis="benchmark",
        signatory_name="Président",
        billing_contact_email="compta@bench.test",
        submitted_at=timezone.now(),
    )


def session_cookie(email: str) -> str:
    user = User.objects.get(email=email)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def pages() -> list[tuple[str, str, str]]:
    """(label, path, who) of every GET page a territory's person or staff member uses."""
    from members import questionnaire
    from members.models import FicheCampaign
    from publications.models import Issue

    territory = f"/territoire/{TERRITORY_SLUG}"
    sections = questionnaire.for_campaign(FicheCampaign.objects.get(year=YEAR)).sections
    issue = Issue.objects.filter(members_only_q()).order_by("number").first()
    article = issue.articles.order_by("order").first()
    return [
        ("Espace territoire `/territoire/`", "/territoire/", "member"),
        ("Année du territoire `/territoire/<slug>/`", f"{territory}/", "member"),
        (f"Adhésion {YEAR}", f"{territory}/adhesion/{YEAR}/", "member"),
        *[
            (
                f"Fiche {YEAR} : section « {section.title} »",
                f"{territory}/fiche/{YEAR}/{section.slug}/",
                "member",
            )
            for section in sections
        ],
        ("Page d'un événement", f"/evenements/{EVENT_SLUG}/", "member"),
        ("Formulaire d'inscription", f"/evenements/{EVENT_SLUG}/inscription/", "member"),
        ("Mes inscriptions", "/evenements/mes-inscriptions/", "member"),
        ("Archive `/publications/` (adhérent)", "/publications/", "member"),
        ("Article réservé aux adhérents (adhérent)", article.get_absolute_url(), "member"),
        ("Accueil de l'équipe `/equipe/`", "/equipe/", "staff"),
        (f"Tableau de bord {YEAR} (équipe)", f"/tableau-de-bord/?annee={YEAR}", "staff"),
    ]


def members_only_q():
    from django.db.models import Q

    from publications.models import Issue

    return Q(status=Issue.Status.PUBLISHED, visibility=Issue.Visibility.MEMBERS)


def clients() -> dict[str, Client]:
    found = {}
    for who, email in (("member", MEMBER_EMAIL), ("staff", STAFF_EMAIL)):
        found[who] = Client()
        found[who].force_login(User.objects.get(email=email))
    return found


def describe() -> dict:
    make_member()
    logged_in = clients()
    described = []
    for label, path, who in pages():
        response = logged_in[who].get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} to {who} in process")
        described.append({"label": label, "path": path, "who": who, "size": len(response.content)})
    return {
        "cookies": {"member": session_cookie(MEMBER_EMAIL), "staff": session_cookie(STAFF_EMAIL)},
        "pages": described,
    }


def profile(path: str, who: str, repeat: int = 30) -> dict:
    """Where the time of one page goes, rendered ``repeat`` times (after one warm-up request)."""
    client = clients()[who]
    client.get(path)
    sql = []

    def timed_sql(execute, *args):
        started = time.perf_counter()
        try:
            return execute(*args)
        finally:
            sql.append(time.perf_counter() - started)

    with connection.execute_wrapper(timed_sql):
        client.get(path)
    queries = len(sql)
    sql_ms = sum(sql) * 1000
    durations = []
    profiler = cProfile.Profile()
    for _ in range(repeat):
        started = time.perf_counter()
        profiler.enable()
        client.get(path)
        profiler.disable()
        durations.append(time.perf_counter() - started)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    total = stats.total_tt
    # Cumulative time per request of the parts a Django page is made of, and the top functions by
    # their own time.
    parts = {
        "SQL (cursor execute)": ("django/db/backends/utils.py", "_execute"),
        "ORM reads (SQL and model instances)": ("django/db/models/query.py", "__iter__"),
        "Templates rendered (the page around its fragments)": ("django/template/base.py", "render"),
        "Session and person loaded (auth middleware)": ("django/contrib/auth/middleware.py", "get_user"),
        "Page cache round trips (Redis)": ("django/core/cache/backends/redis.py", "get_many"),
    }
    summary = []
    for name, (filename, function) in parts.items():
        best = 0.0
        for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
            if file.endswith(filename) and func == function:
                best = max(best, ct)
        summary.append([name, f"{best / repeat * 1000:.1f} ms"])
    top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:12]
    own = [
        [f"{Path(file).name}:{line} {func}", f"{tt / repeat * 1000:.2f} ms", nc // repeat]
        for (file, line, func), (_cc, nc, tt, _ct, _callers) in top
    ]
    return {
        "path": path,
        "who": who,
        "median_ms": statistics.median(durations) * 1000,
        "profiled_ms": total / repeat * 1000,
        "queries": queries,
        "sql_ms": sql_ms,
        "parts": summary,
        "own_time": own,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--profile"]:
        print(json.dumps(profile(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(describe()))
