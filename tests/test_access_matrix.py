"""Every URL of the project, requested by every role, gives what tests/access_matrix.py declares.

The URL patterns come from the resolver (tests/urlwalk.py): a new URL without a row in the table
fails test_every_project_url_has_a_row_in_the_matrix_and_every_row_a_url before anyone has to
remember it.
"""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, path, reverse
from django.utils import timezone

from anpp_portal import views as portal_views
from billing.models import Invoice
from events import qr as event_qr
from events.models import Event
from members.models import Role
from publications import services as publication_services
from publications.models import Issue, IssuePDF, News

from .access_matrix import (
    ADMIN_LOGIN,
    CHAPEAU_MARKER,
    DRAFT_EVENT_TITLE,
    DRAFT_NEWS_TITLE,
    FORBIDDEN,
    FULL_TEXT_MARKER,
    LOGIN,
    MATRIX,
    NOTE_BODY_MARKER,
    NOTE_SECRET_WORD,
    PERSONAL_WRITES,
    QA_ANSWER_MARKER,
    ROLES,
    SECRET_WORD,
    STAFF_PAGES,
    TO_TOTP,
    Outcome,
    Request,
    Row,
    get,
    row,
)
from .events.factories import EventFactory, ParticipantFactory, RegistrationFactory
from .factories import InvitationFactory, MembershipFactory, StaffFactory, TerritoryFactory, UserFactory
from .members.adhesion_factories import make_member
from .publications.factories import ArticleFactory, IssueFactory, RubriqueFactory, SubscriberFactory
from .urlwalk import objects_of, project_patterns

INVITATION_KEY = "cle-invitation-matrice-abcdefghijklmnop"
MFA_GRACE_DAYS = 7


def matrix_gaps(matrix: list[Row], patterns) -> list[str]:
    """What is wrong with the table's coverage: URL patterns without a row, rows naming no pattern."""
    names = {name for name, _ in patterns}
    declared = {entry.request.url for entry in matrix}
    gaps = [f"no row in tests/access_matrix.py for the URL {name!r}" for name in sorted(names - declared)]
    gaps += [
        f"a row of tests/access_matrix.py names no URL of the project: {name!r}"
        for name in sorted(declared - names)
    ]
    return gaps


# --- coverage of the table ----------------------------------------------------------------------


def test_every_project_url_has_a_row_in_the_matrix_and_every_row_a_url():
    gaps = matrix_gaps(MATRIX, project_patterns())
    assert not gaps, "\n".join(gaps)


def test_a_new_url_without_a_row_is_reported():
    resolver = URLResolver(
        get_resolver().pattern,
        [
            *get_resolver().url_patterns,
            path("nouvelle-page/", portal_views.accessibility, name="nouvelle_page"),
        ],
    )
    assert matrix_gaps(MATRIX, project_patterns(resolver)) == [
        "no row in tests/access_matrix.py for the URL 'nouvelle_page'"
    ]


def test_a_row_naming_no_url_is_reported():
    stale = row(get("members:ancienne_page"), *[Outcome(200)] * 5)  # the five positional roles
    assert matrix_gaps([*MATRIX, stale], project_patterns()) == [
        "a row of tests/access_matrix.py names no URL of the project: 'members:ancienne_page'"
    ]


def _staff_page_names(resolver=None, namespace=None):
    """URL names whose view is marked as a staff page (members.staff.staff_permission_required)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _staff_page_names(entry, ":".join(filter(None, [namespace, entry.namespace])) or None)
        elif getattr(entry.callback, "staff_page", False):
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_staff_page_is_a_403_for_staff_without_permissions():
    assert set(_staff_page_names()) == STAFF_PAGES
    not_forbidden = [
        str(entry.request)
        for entry in MATRIX
        if entry.request.url in STAFF_PAGES
        and entry.expected["staff_no_perms"] != FORBIDDEN
        # A request refused to everyone before any permission is asked (a NUL byte: 400; the wrong
        # method: 405) says nothing of permissions, as long as full staff get the same answer.
        and not (
            entry.expected["staff_no_perms"].status in (400, 405)
            and entry.expected["staff"] == entry.expected["staff_no_perms"]
        )
    ]
    assert not not_forbidden, not_forbidden


def test_staff_holding_only_view_permissions_write_nothing():
    """Check-in, payments, invitations and every write need a change or add permission: every POST
    that staff make behind a login (their own account's aside) is refused to staff_view_only."""
    writes = [
        entry
        for entry in MATRIX
        if entry.request.method == "post"
        and entry.request.url not in PERSONAL_WRITES
        and entry.expected["anonymous"] in (LOGIN, ADMIN_LOGIN)
        and entry.expected["staff"].status not in (403, 404, 405)
    ]
    assert len(writes) >= 15, "the table no longer declares the staff writes this test is about"
    writes_allowed = [
        str(e.request) for e in writes if e.expected["staff_view_only"].status not in (403, 404)
    ]
    assert not writes_allowed, writes_allowed


def test_every_staff_page_sends_staff_with_totp_overdue_to_the_totp_setup():
    not_sent = [
        str(entry.request)
        for entry in MATRIX
        if entry.request.url in STAFF_PAGES
        and entry.expected["staff_mfa_overdue"] != TO_TOTP
        # Refused to everyone before anything (a NUL byte in the query): the same 400 as for staff.
        and not (entry.expected["staff_mfa_overdue"].status == 400 and entry.expected["staff"].status == 400)
    ]
    assert not not_sent, not_sent


def test_no_request_is_declared_twice():
    seen = [
        (r.method, r.url, sorted(r.kwargs.items()), r.query, sorted((r.data or {}).items()))
        for r in (entry.request for entry in MATRIX)
    ]
    duplicates = {repr(item) for item in seen if seen.count(item) > 1}
    assert not duplicates, duplicates


# --- the matrix -----------------------------------------------------------------------------------


def _world() -> tuple[dict, dict]:
    """Territory A (a member) with its objects, territory B (not a member), the magazine, and one
    user per role. Returns (objects for the table's format strings, users by role)."""
    territory_a = TerritoryFactory(name="PETR du Pays A", slug="pays-a")
    territory_b = TerritoryFactory(name="PETR du Pays B", slug="pays-b")
    make_member(territory_a)
    objects = objects_of(territory_a)
    objects |= {
        "invitation_key": INVITATION_KEY,
        "membership_to_remove": MembershipFactory(territory=territory_a, role=Role.MEMBRE),
        "participant_to_cancel": ParticipantFactory(registration=objects["registration"]),
        "draft_event": EventFactory(
            slug="rencontres-en-preparation", title=DRAFT_EVENT_TITLE, status=Event.Status.DRAFT
        ),
        "subscriber": SubscriberFactory(confirmed_at=None),
        "rubrique": RubriqueFactory(name="Mobilités", slug="mobilites"),
        "news": News.objects.create(
            title="Une actualité publiée", slug="actualite-publiee", date=date(2018, 1, 15), body="Texte."
        ),
        "draft_news": News.objects.create(
            title=DRAFT_NEWS_TITLE,
            slug="actualite-brouillon",
            date=date(2018, 1, 16),
            body="…",
            is_published=False,
        ),
    }
    InvitationFactory(territory=territory_a, key=INVITATION_KEY)
    objects |= _notes_library()
    # The participant's QR code and decline link need its secret (the services give one).
    participant = objects["participant"]
    participant.qr_secret = event_qr.new_secret()
    participant.save(update_fields=["qr_secret"])
    participant.days.set(objects["event"].days.all())
    objects["participant_code"] = event_qr.code_for(participant)
    objects["decline_token"] = event_qr.decline_token(participant)
    objects["draft_event_day"] = objects["draft_event"].days.first()
    for kind, visibility, status in (
        ("public", Issue.Visibility.PUBLIC, Issue.Status.PUBLISHED),
        ("members", Issue.Visibility.MEMBERS, Issue.Status.PUBLISHED),
        ("draft", Issue.Visibility.PUBLIC, Issue.Status.DRAFT),
    ):
        issue = IssueFactory(visibility=visibility, status=status)
        objects[f"{kind}_issue"] = issue
        objects[f"{kind}_article"] = ArticleFactory(
            issue=issue,
            rubrique=objects["rubrique"],
            title="Les mobilités rurales",
            chapeau=CHAPEAU_MARKER,
            body=f"{FULL_TEXT_MARKER}, {SECRET_WORD} compris." if kind == "members" else FULL_TEXT_MARKER,
        )
        if status == Issue.Status.PUBLISHED:
            _store_rendered_pdf(issue)
    users = {
        "person_a": MembershipFactory(territory=territory_a, role=Role.MEMBRE).user,
        "person_b": MembershipFactory(territory=territory_b, role=Role.MEMBRE).user,
        "referent_a": MembershipFactory(territory=territory_a, role=Role.REFERENT).user,
        "staff": StaffFactory(),
        "staff_no_perms": UserFactory(is_staff=True),
        "staff_mfa_overdue": StaffFactory(date_joined=timezone.now() - timedelta(days=MFA_GRACE_DAYS + 1)),
        "staff_view_only": _staff_with_view_permissions_only(),
        "referent_b": MembershipFactory(territory=territory_b, role=Role.REFERENT).user,
        "invoice_owner": UserFactory(),
        "stranger": UserFactory(),
    }
    # Each to another event than A's, so that "my registrations" shows them A's event only for A.
    objects |= _personal_registration_and_invoice(
        users["invoice_owner"], EventFactory(slug="forum-personnel")
    )
    # Territory B's own objects, for the rows that ask B's URLs with A's ids.
    objects |= {
        "registration_b": RegistrationFactory(
            event=EventFactory(slug="rencontres-pays-b"), territory=territory_b
        ),
        "invitation_b": InvitationFactory(territory=territory_b),
        "membership_b": MembershipFactory(territory=territory_b, role=Role.MEMBRE),
    }
    objects["participant_b"] = ParticipantFactory(registration=objects["registration_b"])
    return objects, users


def _staff_with_view_permissions_only():
    """A staff account holding only the view permissions of the group « Équipe ANPP »."""
    from django.contrib.auth.models import Group

    from anpp_portal.staffpolicy import STAFF_GROUP

    account = UserFactory(is_staff=True)
    StaffFactory()  # makes the group if a flush removed it
    group = Group.objects.get(name=STAFF_GROUP)
    account.user_permissions.set(group.permissions.filter(codename__startswith="view_"))
    return account


def _personal_registration_and_invoice(owner, event) -> dict:
    """A registration of ``owner`` for themselves (no territory) and its stored invoice."""
    registration = RegistrationFactory(event=event, territory=None, created_by=owner)
    ParticipantFactory(registration=registration, email=owner.email)
    invoice = Invoice(
        kind=Invoice.Kind.FACTURE,
        number="F2018-9999",
        issued_at=timezone.now(),
        territory=None,
        registration=registration,
        buyer_name=f"{owner.first_name} {owner.last_name}",
        subject="Participation (test)",
        lines=[{"label": "Participation", "quantity": 1, "unit_price": "90", "amount": "90"}],
        total=Decimal("90"),
    )
    invoice.pdf.save("facture-personnelle.pdf", ContentFile(b"%PDF-1.7 facture"), save=False)
    invoice.save()
    return {"personal_registration": registration, "personal_invoice": invoice}


def _notes_library() -> dict:
    """A public note, a members-only note with a PDF, a draft note, an entry of the Q&A base and a
    theme followed (its unsubscribe token is the credential of its link)."""
    from resources import services as resources_services
    from resources.models import Note, QAEntry, Theme, ThemeFollow

    theme = Theme.objects.create(name="Mobilités", slug="mobilites")
    notes = {}
    for kind, visibility, publish in (
        ("public", Note.Visibility.PUBLIC, True),
        ("members", Note.Visibility.MEMBERS, True),
        ("draft", Note.Visibility.PUBLIC, False),
    ):
        note = resources_services.note_save(
            note=Note(
                kind=Note.Kind.ANALYSIS,
                title=f"Note {kind}",
                date=date(2018, 1, 10),
                summary=f"Résumé de la note {kind}",
                body=f"{NOTE_BODY_MARKER} : {NOTE_SECRET_WORD}." if kind == "members" else "Texte public.",
                visibility=visibility,
            ),
            themes=[theme],
        )
        if publish:
            resources_services.note_publish(note=note)
        notes[f"{kind}_note"] = note
    attachment = resources_services.attachment_add(
        note=notes["members_note"], title="Annexe", file=ContentFile(b"%PDF-1.4 annexe", name="annexe.pdf")
    )
    entry = resources_services.qa_entry_save(
        entry=QAEntry(title="Une question publiée", date=date(2018, 1, 1), answer=QA_ANSWER_MARKER)
    )
    follow = ThemeFollow.objects.create(user=UserFactory(), theme=theme)
    return {**notes, "note_attachment": attachment, "qa_entry": entry, "theme_follow": follow}


def _store_rendered_pdf(issue) -> None:
    """The issue's PDF as the worker leaves it, so that readers get the file and not the progress page."""
    _html, content_hash = publication_services.pdf_source(issue=issue)
    record = IssuePDF(issue=issue, content_hash=content_hash, status=IssuePDF.Status.READY)
    record.file.save(f"numero-{issue.number}.pdf", ContentFile(b"%PDF-1.7 numero"), save=True)


def _fill(value, objects):
    if isinstance(value, str):
        return value.format(**objects)
    if isinstance(value, list):
        return [_fill(item, objects) for item in value]
    return value


def _url(request: Request, objects) -> str:
    url = reverse(request.url, kwargs={key: _fill(value, objects) for key, value in request.kwargs.items()})
    return f"{url}?{request.query}" if request.query else url


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _mismatch(response, expected: Outcome, url: str, objects) -> str:
    """Why ``response`` is not ``expected``; empty when it is."""
    if response.status_code != expected.status:
        detail = ""
        if response.status_code in (301, 302):
            detail = f" to {response['Location']}"
        elif getattr(response, "exc_info", None):
            detail = f" ({response.exc_info[1]!r})"
        return f"got {response.status_code}{detail}"
    if expected.location:
        location = urlsplit(response["Location"])
        target = reverse(
            expected.location,
            kwargs={key: _fill(value, objects) for key, value in expected.location_kwargs.items()},
        )
        if location.path != target:
            return f"redirected to {response['Location']}"
        if expected.login and parse_qs(location.query).get("next") != [url]:
            return f"login without next={url}: {response['Location']}"
    if expected.content_type and not response["Content-Type"].startswith(expected.content_type):
        return f"Content-Type {response['Content-Type']}"
    if expected.contains or expected.lacks:
        body = _body(response)
        contains, lacks = _fill(expected.contains, objects), _fill(expected.lacks, objects)
        if contains and contains not in body:
            return f"lacks {contains[:40]!r}"
        if lacks and lacks in body:
            return f"shows {lacks[:40]!r}"
    return ""


def _check(client, request: Request, expected: Outcome, objects) -> tuple[str, object]:
    """Send ``request`` with ``client``: a line saying what is wrong ("" when all is as expected),
    and the response."""
    url = _url(request, objects)
    if request.method == "post":
        response = client.post(url, {key: _fill(value, objects) for key, value in request.data.items()})
    else:
        response = client.get(url)
    problem = _mismatch(response, expected, url, objects)
    return (f"{request} {url}: expected {expected}, {problem}" if problem else ""), response


def _client_of(role, users) -> Client:
    # Not raising: a view that crashes is a 500 in the report, beside the other mismatches.
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.fixture
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def _mfa_required(settings):
    """As in production: staff must set TOTP up; staff_mfa_overdue is past its grace period."""
    settings.ANPP_STAFF_MFA_REQUIRED = True
    settings.ANPP_STAFF_MFA_GRACE_DAYS = MFA_GRACE_DAYS


@pytest.fixture
def _broker_up(monkeypatch):
    """/sante/ probes the broker, which is outside this test: here it answers, so the row is about
    who may read the page, not about the machine's Redis."""
    monkeypatch.setattr("anpp_portal.health.broker_status", lambda: "ok")


@pytest.mark.django_db
@pytest.mark.usefixtures("_media_in_tmp", "_broker_up", "_mfa_required")
@pytest.mark.parametrize("role", ROLES)
def test_every_url_gives_each_role_what_the_matrix_declares(role):
    objects, users = _world()
    client = _client_of(role, users)
    mismatches = []
    for entry in MATRIX:
        problem, _response = _check(client, entry.request, entry.expected[role], objects)
        if problem:
            mismatches.append(problem)
    if mismatches:
        pytest.fail(
            f"{len(mismatches)} of {len(MATRIX)} requests as {role}:\n" + "\n".join(mismatches), pytrace=False
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("_media_in_tmp", "_broker_up", "_mfa_required")
def test_what_a_role_gets_does_not_depend_on_who_asked_before(settings):
    """The test above clears the cache between roles; here all roles share it, as in production:
    every page read (GET) by an anonymous visitor, then each role, then a new anonymous visitor.
    A page stored for one must never be served to another (a member's full text to an anonymous
    visitor, an anonymous teaser to a member, a staff preview to anyone)."""
    objects, users = _world()
    clients = {role: _client_of(role, users) for role in ROLES if role != "anonymous"}
    mismatches, hits = [], 0
    for entry in MATRIX:
        if entry.request.method != "get":
            continue
        for role in ("anonymous", *clients, "anonymous"):
            # A new anonymous visitor each time: no session cookie that would bypass a page cache.
            client = clients.get(role) or Client(raise_request_exception=False)
            problem, response = _check(client, entry.request, entry.expected[role], objects)
            if problem:
                mismatches.append(f"as {role} after the others: {problem}")
            hits += response.get("X-Page-Cache") == "hit"
    if mismatches:
        pytest.fail("\n".join(mismatches), pytrace=False)
    if "anpp_portal.pagecache.AnonymousPageCacheMiddleware" in settings.MIDDLEWARE:
        assert hits, "the page cache served nothing: this test no longer proves anything about it"
