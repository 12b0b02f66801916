"""Staff import spreadsheets in the admin: upload, preview, confirm, templates, exports that re-import
unchanged, and the bulk invitation of the imported people (issue 29)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anpp_portal.models import OutboundEmail
from members.imports import services
from members.models import ImportBatch, ImportedPerson, Invitation, Role, Territory

from ..factories import MembershipFactory, StaffFactory, TerritoryFactory, UserFactory
from .test_imports import ADHESION_HEADER, TERRITORY_HEADER, csv_bytes, territory_line


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def upload(client, kind, content, name="fichier.csv", capture=None):
    url = reverse("admin:members_importbatch_add")
    with capture(execute=True):
        response = client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})
    return response


def confirm(client, batch, capture):
    with capture(execute=True):
        return client.post(reverse("admin:members_importbatch_confirm", args=[batch.pk]))


def test_staff_upload_see_the_refused_rows_then_import_the_fixed_file(
    staff_client, django_capture_on_commit_callbacks
):
    bad = csv_bytes(
        TERRITORY_HEADER, [territory_line(1), territory_line(2, siren="123456789"), territory_line(3)]
    )
    response = upload(staff_client, "territoires", bad, capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("admin:members_importbatch_change", args=[batch.pk])

    page = staff_client.get(response.url).content.decode()
    assert "Lignes refusées" in page
    assert "Numéro SIREN invalide" in page
    assert "Importer ces lignes" not in page
    refused = confirm(staff_client, batch, django_capture_on_commit_callbacks)
    assert refused.status_code == 302
    assert not Territory.objects.filter(name__startswith="PETR exemple").exists()

    good = csv_bytes(TERRITORY_HEADER, [territory_line(1), territory_line(2), territory_line(3)])
    response = upload(staff_client, "territoires", good, capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.latest("pk")
    assert "Importer ces lignes" in staff_client.get(response.url).content.decode()
    confirm(staff_client, batch, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Territory.objects.filter(name__startswith="PETR exemple").count() == 3
    # A second confirmation (a double click) queues nothing more.
    confirm(staff_client, batch, django_capture_on_commit_callbacks)
    assert Territory.objects.filter(name__startswith="PETR exemple").count() == 3


def test_a_file_over_the_limit_is_refused_next_to_the_field_and_nothing_is_kept(
    staff_client, settings, django_capture_on_commit_callbacks
):
    settings.ANPP_IMPORT_MAX_BYTES = 50
    content = csv_bytes(TERRITORY_HEADER, [territory_line(1)])
    response = upload(staff_client, "territoires", content, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Fichier trop volumineux" in response.content.decode()
    assert 'value="territoires" required id="id_kind_0" checked' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_import_pages_are_for_staff_only(client, db):
    client.force_login(UserFactory())
    for url in (
        reverse("admin:members_importbatch_add"),
        reverse("admin:members_importbatch_template", args=["territoires", "csv"]),
        reverse("admin:members_importedperson_invite"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.parametrize("kind", ["territoires", "personnes", "adhesions"])
def test_each_template_downloads_with_the_import_columns(staff_client, kind):
    response = staff_client.get(reverse("admin:members_importbatch_template", args=[kind, "csv"]))
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(";") == services.columns_of(kind)


@pytest.mark.parametrize("kind", ["territoires", "personnes", "adhesions"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reimported_changes_nothing(
    staff, staff_client, kind, fmt, django_capture_on_commit_callbacks
):
    territory = TerritoryFactory(website="https://exemple.example", address="1 rue de l'Exemple")
    territory.departments.set(["16", "86"])
    TerritoryFactory(name="-PETR exemple au tiret", population=None, population_year=None)
    ImportedPerson.objects.create(
        territory=territory, email="a@exemple.example", first_name="A", role="referent"
    )
    ImportedPerson.objects.create(
        territory=territory, email="b@exemple.example", last_name="B", function="Élu"
    )
    history = csv_bytes(
        ADHESION_HEADER,
        [
            f'{territory.siren};2019;1200,50;Payée;15/02/2019;A-1;"01/03/2019 600 ; 02/04/2019 600,50";Chèque',
            f"{territory.siren};2021;1300;Appel émis;15/02/2021;A-2;02/03/2021 300;Virement",
        ],
    )
    upload(staff_client, "adhesions", history, capture=django_capture_on_commit_callbacks)
    confirm(staff_client, ImportBatch.objects.latest("pk"), django_capture_on_commit_callbacks)

    exported = staff_client.get(reverse("admin:members_importbatch_export", args=[kind, fmt])).content
    upload(staff_client, kind, exported, name=f"export.{fmt}", capture=django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.latest("pk")
    assert batch.report["skip"] == 2, batch.report
    assert batch.report["new"] == batch.report["update"] == batch.report["invalid"] == 0


def test_bulk_invitation_sends_one_email_per_referent_of_the_chosen_territories_once(
    staff_client, send_outbox, django_capture_on_commit_callbacks
):
    chosen = [TerritoryFactory(name="PETR exemple A"), TerritoryFactory(name="PETR exemple B")]
    other = TerritoryFactory(name="PETR exemple C")
    for n, territory in enumerate([*chosen, other]):
        ImportedPerson.objects.create(
            territory=territory, email=f"ref{n}@exemple.example", role=Role.REFERENT
        )
        ImportedPerson.objects.create(
            territory=territory, email=f"membre{n}@exemple.example", role=Role.MEMBRE
        )
    url = reverse("admin:members_importedperson_invite")
    form = staff_client.get(url).content.decode()
    assert "PETR exemple A (SIREN" in form and "1 référent(s), 2 personne(s) à inviter" in form

    data = {"territories": [t.pk for t in chosen], "who": "referents"}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(url, data)
        assert response.status_code == 302
    sent = send_outbox()
    assert sorted(message.to[0] for message in sent) == ["ref0@exemple.example", "ref1@exemple.example"]
    assert OutboundEmail.objects.count() == 2
    assert Invitation.objects.count() == 2

    listing = staff_client.get(reverse("admin:members_importedperson_changelist") + "?invitation=envoyee")
    assert listing.content.decode().count("Envoyée le") == 2


def test_bulk_invitation_without_a_territory_says_so_next_to_the_field(staff_client):
    ImportedPerson.objects.create(territory=TerritoryFactory(), email="x@exemple.example")
    response = staff_client.post(reverse("admin:members_importedperson_invite"), {"who": "referents"})
    assert "Cochez au moins un territoire." in response.content.decode()


def test_a_person_already_acting_for_the_territory_is_not_invited(staff):
    territory = TerritoryFactory()
    member = MembershipFactory(territory=territory, role=Role.REFERENT).user
    ImportedPerson.objects.create(territory=territory, email=member.email.upper(), role=Role.REFERENT)
    outcome = services.imported_people_invite(territories=[territory], referents_only=True, by=staff)
    assert (outcome.sent, outcome.already_members) == (0, 1)
    assert not Invitation.objects.exists()


def test_an_accepted_invitation_shows_in_the_list(staff, staff_client):
    territory = TerritoryFactory()
    person = ImportedPerson.objects.create(territory=territory, email="c@exemple.example", role=Role.REFERENT)
    services.imported_people_invite(territories=[territory], referents_only=True, by=staff)
    user = UserFactory(email="c@exemple.example")
    from members.services import invitation_accept

    invitation_accept(invitation=ImportedPerson.objects.get(pk=person.pk).invitation, user=user)
    listing = staff_client.get(reverse("admin:members_importedperson_changelist") + "?invitation=acceptee")
    assert "Acceptée le" in listing.content.decode()


def test_staff_without_the_permissions_get_a_403(client, db):
    client.force_login(UserFactory(is_staff=True))
    for url in (
        reverse("admin:members_importbatch_add"),
        reverse("admin:members_importbatch_export", args=["personnes", "csv"]),
        reverse("admin:members_importedperson_invite"),
    ):
        assert client.get(url).status_code == 403


def test_a_file_being_read_shows_its_progress_and_refreshes_itself(staff_client, staff):
    batch = ImportBatch.objects.create(
        kind="territoires",
        file_name="gros.csv",
        content=b"",
        created_by=staff,
        status=ImportBatch.Status.PREVIEWING,
    )
    page = staff_client.get(reverse("admin:members_importbatch_change", args=[batch.pk])).content.decode()
    assert "en attente d'un worker" in page and '<meta http-equiv="refresh" content="2">' in page

    services._reporter(batch.pk, 1000)(350)
    page = staff_client.get(reverse("admin:members_importbatch_change", args=[batch.pk])).content.decode()
    assert "ligne 350 sur 1000" in page


def test_the_worker_reports_its_progress_every_fifty_rows(staff, monkeypatch):
    seen = []
    real = services._reporter

    def recording(batch_id, total):
        report = real(batch_id, total)

        def record(done):
            seen.append(done)
            report(done)

        return record

    monkeypatch.setattr(services, "_reporter", recording)
    content = csv_bytes(TERRITORY_HEADER, [territory_line(n) for n in range(1, 121)])
    batch = services.import_batch_create(
        kind="territoires", upload=SimpleUploadedFile("t.csv", content), by=staff
    )
    services.import_batch_preview(batch_id=batch.pk)
    assert seen == [50, 100]
    assert services.import_batch_progress(batch) == {"done": 120, "total": 120}


def test_a_person_listed_by_an_import_finds_it_in_their_data_and_it_goes_with_their_account(db):
    from members import privacy

    user = UserFactory(email="liste@exemple.example")
    ImportedPerson.objects.create(
        territory=TerritoryFactory(), email="Liste@exemple.example", function="Élue"
    )
    assert privacy.personal_data(user)["listes_importees_par_l_anpp"][0]["fonction"] == "Élue"
    privacy.erase(user)
    assert not ImportedPerson.objects.exists()


@pytest.mark.postgres
def test_five_staff_inviting_the_same_territories_at_once_send_each_invitation_once(transactional_db):
    from .test_concurrency import _run_together

    staff = StaffFactory()
    territories = [TerritoryFactory(), TerritoryFactory()]
    for n, territory in enumerate(territories):
        for k in range(3):
            ImportedPerson.objects.create(territory=territory, email=f"p{n}-{k}@exemple.example")
    outcomes = _run_together(
        [
            lambda: services.imported_people_invite(territories=territories, referents_only=False, by=staff)
            for _ in range(5)
        ]
    )
    assert sum(outcome.sent for outcome in outcomes) == 6, outcomes
    assert OutboundEmail.objects.count() == 6
    assert Invitation.objects.count() == 6


def test_the_imported_people_list_makes_as_many_queries_for_fifty_people_as_for_five(
    staff_client, staff, django_assert_max_num_queries
):
    def people(count):
        for n in range(count):
            ImportedPerson.objects.create(territory=TerritoryFactory(), email=f"q{count}-{n}@exemple.example")
        services.imported_people_invite(territories=Territory.objects.all(), referents_only=False, by=staff)

    url = reverse("admin:members_importedperson_changelist")
    people(5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert staff_client.get(url).status_code == 200
    people(45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_three_templates_import_as_downloaded(staff_client, fmt, django_capture_on_commit_callbacks):
    for kind in ("territoires", "personnes", "adhesions"):
        template = staff_client.get(reverse("admin:members_importbatch_template", args=[kind, fmt])).content
        upload(staff_client, kind, template, name=f"modele.{fmt}", capture=django_capture_on_commit_callbacks)
        batch = ImportBatch.objects.latest("pk")
        assert batch.report["new"] == 1, batch.report
        confirm(staff_client, batch, django_capture_on_commit_callbacks)
    person = ImportedPerson.objects.get()
    assert person.territory.name == "PETR exemple du Val Fictif"
    assert person.territory.adhesions.get().call_number == "A2019-017"
    # Its appel is in billing's ledger under that number, paid (its example payment is the cotisation).
    from billing.selectors import document_balance

    appel = person.territory.adhesions.get().invoices.get(kind="appel")
    assert (appel.number, appel.total, document_balance(appel)) == ("A2019-017", Decimal("1200.00"), 0)
