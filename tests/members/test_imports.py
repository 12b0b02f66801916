"""Imports of territories, people and past adhésions from the ANPP's spreadsheets (issue 29)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from anpp_portal.formats import format_euros
from billing.models import Invoice, InvoicePayment, InvoiceSequence
from billing.selectors import document_balance
from members.imports import services
from members.models import Adhesion, AdhesionCampaign, ImportBatch, ImportedPerson, Territory

from ..factories import MembershipFactory, StaffFactory, TerritoryFactory, valid_siren

TERRITORY_HEADER = (
    "SIREN;Nom;Nature juridique;Région;Départements;Population;Année de la population;"
    "Nombre de communes;Site internet;Adresse;Code postal;Commune"
)


@pytest.fixture
def staff(db):
    return StaffFactory()


def territory_line(n, *, name=None, siren=None, departments="16", population="37 533"):
    return (
        f"{siren or valid_siren(900 + n)};{name or f'PETR exemple n°{n}'};PETR;Nouvelle-Aquitaine;{departments};"
        f"{population};2021;80;https://exemple-{n}.example;1 place de l'Exemple;16700;Ville-Fictive"
    )


def csv_bytes(header, lines, encoding="utf-8"):
    return ("\n".join([header, *lines]) + "\n").encode(encoding)


def upload_and_preview(kind, content, by, name="fichier.csv"):
    batch = services.import_batch_create(kind=kind, upload=SimpleUploadedFile(name, content), by=by)
    services.import_batch_preview(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def import_file(kind, content, by, name="fichier.csv"):
    batch = upload_and_preview(kind, content, by, name)
    assert services.import_batch_confirm(batch=batch, by=by), batch.report
    services.import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def test_preview_names_each_bad_row_and_column_and_writes_nothing(staff):
    content = csv_bytes(
        TERRITORY_HEADER,
        [
            territory_line(1),
            territory_line(2, siren="123456789"),
            territory_line(3, departments="16, 99"),
            territory_line(4),
        ],
    )
    batch = upload_and_preview("territoires", content, staff)

    assert batch.status == ImportBatch.Status.PREVIEWED
    assert batch.report["new"] == 2
    assert batch.report["invalid"] == 2
    errors = {(e["line"], e["column"]): e["message"] for e in batch.report["errors"]}
    assert "SIREN invalide" in errors[(3, "SIREN")]
    assert errors[(4, "Départements")] == "Département inconnu : « 99 »."
    assert not Territory.objects.filter(name__startswith="PETR exemple").exists()
    assert not AdhesionCampaign.objects.exists()
    assert not services.import_batch_is_importable(batch)
    with pytest.raises(services.ImportRefused):
        services.import_batch_confirm(batch=batch, by=staff)


def test_a_clean_file_imports_in_one_go_and_again_changes_nothing(staff):
    content = csv_bytes(TERRITORY_HEADER, [territory_line(n, departments="16, 17") for n in range(1, 6)])

    first = import_file("territoires", content, staff)
    assert first.status == ImportBatch.Status.IMPORTED
    assert first.report["new"] == 5
    territory = Territory.objects.get(name="PETR exemple n°1")
    assert territory.population == 37533
    assert territory.region == "75"
    assert sorted(territory.departments.values_list("code", flat=True)) == ["16", "17"]
    assert territory.slug.startswith("petr-exemple")

    again = import_file("territoires", content, staff)
    assert again.report["skip"] == 5
    assert again.report["new"] == again.report["update"] == 0
    assert Territory.objects.filter(name__startswith="PETR exemple").count() == 5


def test_a_changed_cell_updates_the_territory_of_that_siren(staff):
    import_file("territoires", csv_bytes(TERRITORY_HEADER, [territory_line(1)]), staff)
    batch = import_file(
        "territoires",
        csv_bytes(TERRITORY_HEADER, [territory_line(1, population="40 000", departments="86, 16")]),
        staff,
    )
    assert batch.report["update"] == 1
    territory = Territory.objects.get(siren=valid_siren(901))
    assert territory.population == 40000
    assert sorted(territory.departments.values_list("code", flat=True)) == ["16", "86"]
    batch = import_file(
        "territoires", csv_bytes(TERRITORY_HEADER, [territory_line(1, population="40 000")]), staff
    )
    assert batch.report["update"] == 1
    assert list(territory.departments.values_list("code", flat=True)) == ["16"]


def test_a_semicolon_csv_in_the_windows_encoding_imports(staff):
    content = csv_bytes(
        TERRITORY_HEADER, [territory_line(1, name="Pôle exemple de l'Épine")], encoding="cp1252"
    )
    batch = import_file("territoires", content, staff)
    assert batch.status == ImportBatch.Status.IMPORTED
    assert Territory.objects.filter(name="Pôle exemple de l'Épine").exists()


def test_a_comma_csv_in_utf8_with_headers_typed_differently_imports(staff):
    header = TERRITORY_HEADER.replace(";", ",").replace("Départements", "DEPARTEMENTS")
    line = territory_line(1).replace(";", ",")
    batch = import_file("territoires", csv_bytes(header, [line]), staff)
    assert batch.report["new"] == 1


def test_an_xlsx_workbook_imports(staff):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TERRITORY_HEADER.split(";"))
    sheet.append(
        [
            int(valid_siren(7)),
            "PETR exemple du classeur",
            "PETR",
            "75",
            "16",
            12000,
            2021,
            40,
            "",
            "",
            16700,
            "",
        ]
    )
    out = io.BytesIO()
    workbook.save(out)
    batch = import_file("territoires", out.getvalue(), staff, name="territoires.xlsx")
    assert batch.status == ImportBatch.Status.IMPORTED, batch.report
    territory = Territory.objects.get(siren=valid_siren(7))
    assert (territory.population, territory.postal_code) == (12000, "16700")


def test_a_missing_column_refuses_the_file_with_its_name(staff):
    batch = upload_and_preview("territoires", b"SIREN;Nom\n200000016;PETR exemple\n", staff)
    assert batch.status == ImportBatch.Status.REFUSED
    assert "« Nature juridique »" in batch.report["file_error"]


def test_a_file_over_the_limit_is_refused_from_its_size_before_it_is_read(staff, settings):
    settings.ANPP_IMPORT_MAX_BYTES = 100

    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("the file was read")

    with pytest.raises(services.FileTooLarge, match="trop volumineux"):
        services.import_batch_create(kind="territoires", upload=Unreadable("gros.csv", b"x" * 101), by=staff)
    assert not ImportBatch.objects.exists()


PEOPLE_HEADER = "Email;Prénom;Nom;Fonction;SIREN du territoire;Rôle"


def test_people_match_by_email_and_an_address_used_twice_is_refused(staff):
    territory = TerritoryFactory()
    lines = [
        f"direction@exemple.example;Camille;Exemple;Directrice;{territory.siren};Référent",
        f"mission@exemple.example;Dominique;Exemple;Chargé de mission;{territory.siren};Membre",
        f"DIRECTION@exemple.example;Claude;Exemple;Directeur;{territory.siren};Référent",
        "autre@exemple.example;Alix;Exemple;;200000016;Membre",
    ]
    batch = upload_and_preview("personnes", csv_bytes(PEOPLE_HEADER, lines), staff)
    errors = {(e["line"], e["column"]): e["message"] for e in batch.report["errors"]}
    assert errors[(4, "Email")] == "Cette adresse figure déjà à la ligne 2 : une personne par adresse."
    assert "Aucun territoire n'a le SIREN 200000016" in errors[(5, "SIREN du territoire")]
    assert batch.report["new"] == 2

    fixed = import_file("personnes", csv_bytes(PEOPLE_HEADER, lines[:2]), staff)
    assert fixed.report["new"] == 2
    person = ImportedPerson.objects.get(email="direction@exemple.example")
    assert (person.territory, person.role, person.function) == (territory, "referent", "Directrice")
    assert import_file("personnes", csv_bytes(PEOPLE_HEADER, lines[:2]), staff).report["skip"] == 2


ADHESION_HEADER = (
    "SIREN du territoire;Année;Montant;Statut;Date de l'appel;Numéro d'appel;Paiements;Mode de paiement"
)


def test_past_adhesions_keep_their_numbers_outside_the_portal_series_and_feed_the_years(staff):
    territory = TerritoryFactory()
    lines = [
        f"{territory.siren};2019;1 200,00;Payée;15/02/2019;A2019-017;15/03/2019;Mandat administratif",
        f"{territory.siren};2020;1 250,50;Appel émis;10/02/2020;A2020-004;01/04/2020 250,50;Chèque",
        f"{territory.siren};2020;900;Payée;01/02/2020;A2020-099;01/03/2020 900,00;Virement",
    ]
    batch = upload_and_preview("adhesions", csv_bytes(ADHESION_HEADER, lines), staff)
    assert [(e["line"], e["column"]) for e in batch.report["errors"]] == [(4, "Année")]

    batch = import_file("adhesions", csv_bytes(ADHESION_HEADER, lines[:2]), staff)
    assert batch.status == ImportBatch.Status.IMPORTED, batch.report
    paid = Adhesion.objects.get(territory=territory, campaign__year=2019)
    assert (paid.status, paid.amount, paid.call_number) == ("payee", Decimal("1200.00"), "A2019-017")
    # Each appel is billing's document under its own number, with no PDF, its payments in the ledger.
    appel = Invoice.objects.get(adhesion=paid)
    assert (appel.kind, appel.number, appel.total, appel.territory) == (
        "appel",
        "A2019-017",
        Decimal("1200.00"),
        territory,
    )
    assert appel.issued_at.date() == date(2019, 2, 15) and not appel.pdf
    assert list(InvoicePayment.objects.filter(invoice=appel).values_list("paid_on", "amount", "method")) == [
        (date(2019, 3, 15), Decimal("1200.00"), "mandat")
    ]
    assert document_balance(appel) == 0
    called = Invoice.objects.get(adhesion__campaign__year=2020)
    assert (called.number, document_balance(called)) == ("A2020-004", Decimal("1000.00"))
    from members.dashboard import available_years

    assert {2019, 2020} <= set(available_years(date.today()))
    assert not InvoiceSequence.objects.exists()  # no number taken from the portal's series
    assert import_file("adhesions", csv_bytes(ADHESION_HEADER, lines[:2]), staff).report["skip"] == 2
    assert InvoicePayment.objects.count() == 2 and Invoice.objects.count() == 2


def test_a_reimport_with_another_payment_rewrites_the_appel_payments_and_status(staff):
    territory = TerritoryFactory()
    called = f"{territory.siren};2019;1200;Appel émis;15/02/2019;A2019-017;15/03/2019 200;Virement"
    import_file("adhesions", csv_bytes(ADHESION_HEADER, [called]), staff)
    paid = (
        f'{territory.siren};2019;1200;Payée;15/02/2019;A2019-017;"15/03/2019 200 ; 02/05/2019 1000";Virement'
    )
    assert import_file("adhesions", csv_bytes(ADHESION_HEADER, [paid]), staff).report["update"] == 1
    adhesion = Adhesion.objects.get()
    appel = Invoice.objects.get()
    assert (adhesion.status, appel.adhesion, document_balance(appel)) == ("payee", adhesion, 0)
    assert sorted(InvoicePayment.objects.values_list("amount", flat=True)) == [
        Decimal("200"),
        Decimal("1000"),
    ]
    assert not InvoiceSequence.objects.exists()


@pytest.mark.parametrize(
    "status, payments, column, message",
    [
        ("Payée", "15/03/2019 1000", "Paiements", f"il reste {format_euros(Decimal(200))} à payer"),
        ("Payée", "", "Paiements", f"il reste {format_euros(Decimal(1200))} à payer"),
        ("Appel émis", "15/03/2019 1200", "Statut", "le statut est « Payée »"),
        ("Payée", "15/03/2019 1000 ; 16/03/2019 300", "Paiements", f"({format_euros(Decimal(200))})"),
    ],
)
def test_the_status_read_must_agree_with_the_appel_balance(staff, status, payments, column, message):
    territory = TerritoryFactory()
    line = f'{territory.siren};2019;1200;{status};15/02/2019;A2019-017;"{payments}";Virement'
    batch = upload_and_preview("adhesions", csv_bytes(ADHESION_HEADER, [line]), staff)
    assert [(e["line"], e["column"]) for e in batch.report["errors"]] == [(2, column)]
    assert message in batch.report["errors"][0]["message"]
    assert not Invoice.objects.exists() and not Adhesion.objects.exists()


def test_an_imported_adhesion_needs_the_number_and_date_of_its_appel(staff):
    territory = TerritoryFactory()
    line = f"{territory.siren};2019;1200;Payée;;;15/03/2019;Virement"
    batch = upload_and_preview("adhesions", csv_bytes(ADHESION_HEADER, [line]), staff)
    assert sorted(e["column"] for e in batch.report["errors"]) == ["Date de l'appel", "Numéro d'appel"]


def test_an_imported_number_of_the_portal_series_is_refused(staff):
    territory = TerritoryFactory()
    InvoiceSequence.objects.create(series="A", year=2019, last_number=3)
    line = f"{territory.siren};2019;1200;Payée;15/02/2019;2019-0007;15/03/2019;Virement"
    batch = upload_and_preview("adhesions", csv_bytes(ADHESION_HEADER, [line]), staff)
    assert [(e["column"], e["message"]) for e in batch.report["errors"]] == [
        (
            "Numéro d'appel",
            "Le portail numérote déjà les appels de 2019 sous cette forme : "
            "un numéro importé ne peut pas entrer dans sa série.",
        )
    ]
    # Outside the portal's series (no sequence for 2018), the same form is kept as it was.
    kept = f"{territory.siren};2018;1200;Payée;15/02/2018;2018-0007;15/03/2018;Virement"
    assert import_file("adhesions", csv_bytes(ADHESION_HEADER, [kept]), staff).report["new"] == 1
    assert Invoice.objects.get().number == "2018-0007"
    assert list(InvoiceSequence.objects.values_list("series", "year", "last_number")) == [("A", 2019, 3)]


def test_an_imported_number_borne_by_another_document_is_refused(staff):
    territory = TerritoryFactory()
    first = f"{territory.siren};2018;900;Payée;15/02/2018;H-12;15/03/2018;Virement"
    import_file("adhesions", csv_bytes(ADHESION_HEADER, [first]), staff)
    again = f"{territory.siren};2019;900;Payée;15/02/2019;H-12;15/03/2019;Virement"
    batch = upload_and_preview("adhesions", csv_bytes(ADHESION_HEADER, [again]), staff)
    assert [(e["column"], e["message"]) for e in batch.report["errors"]] == [
        ("Numéro d'appel", "Numéro déjà porté par le document Appel de cotisation H-12.")
    ]


@pytest.mark.parametrize("kind", ["territoires", "personnes", "adhesions"])
def test_each_template_has_the_import_columns_and_an_example_row(kind):
    template = services.import_template(kind)
    assert template.headers == services.columns_of(kind)
    assert len(template) == 1 and all(template[0][:2])


def test_a_population_without_its_year_is_refused_at_that_column(staff):
    line = territory_line(1).replace(";37 533;2021;", ";37 533;;")
    batch = upload_and_preview("territoires", csv_bytes(TERRITORY_HEADER, [line]), staff)
    assert batch.report["errors"] == [
        {
            "line": 2,
            "column": "Année de la population",
            "message": "Indiquez l'année de référence de la population.",
        }
    ]


def test_imported_history_shows_on_the_year_page_and_the_dashboard(client, territory_a, referent_a, staff):
    lines = [
        f"{territory_a.siren};2019;1 200,00;Payée;15/02/2019;A2019-017;15/03/2019;Mandat administratif",
        f"{territory_a.siren};2020;1 250,50;Appel émis;10/02/2020;A2020-004;;",
    ]
    assert import_file("adhesions", csv_bytes(ADHESION_HEADER, lines), staff).status == "importe"

    client.force_login(referent_a)
    page = client.get(territory_a.get_absolute_url()).content.decode()
    assert "Adhésions des années précédentes" in page
    assert "2019</a> : Payée, 1\u00a0200 €" in page
    # The latest imported year is the page's adhésion; the earlier ones are listed under it.
    assert "1\u00a0250,50 €" in page
    past = client.get(reverse("members:adhesion", kwargs={"slug": territory_a.slug, "year": 2019}))
    assert past.status_code == 200 and "A2019-017" in past.content.decode()
    # Its appel was sent outside the portal: listed in the ledger without a link, and no PDF is made.
    assert "Émis hors du portail (historique importé)" in page
    appel = Invoice.objects.get(number="A2019-017")
    assert client.get(reverse("billing:document", kwargs={"pk": appel.pk})).status_code == 404
    appel.refresh_from_db()
    assert not appel.pdf

    client.force_login(staff)
    listing = client.get(reverse("admin:billing_invoice_changelist")).content.decode()
    document_url = reverse("billing:document", kwargs={"pk": appel.pk})
    assert "émis hors du portail" in listing and document_url not in listing
    dashboard = client.get(reverse("members:dashboard"), {"annee": 2019}).content.decode()
    assert '<option value="2019" selected' in dashboard or 'value="2019"' in dashboard
    assert "1\u00a0200 €" in dashboard or "1\u00a0200,00 €" in dashboard


def test_a_credit_note_the_portal_issues_on_an_imported_appel_is_the_portals_with_its_pdf(
    client, territory_a, referent_a, territory_b, referent_b, staff
):
    """Only the imported appel was sent outside the portal: a credit note issued here on it is
    numbered, rendered and downloaded like any other, by its territory only."""
    from billing import services as billing_services

    lines = [f"{territory_a.siren};2020;1 250,50;Appel émis;10/02/2020;A2020-004;;"]
    assert import_file("adhesions", csv_bytes(ADHESION_HEADER, lines), staff).status == "importe"
    appel = Invoice.objects.get(number="A2020-004")
    note = billing_services.credit_note_issue(
        invoice=appel,
        lines=[billing_services.document_line("Geste (fictif)", Decimal("250.50"))],
        reason="Fictif",
        by=staff,
    )
    assert (note.adhesion, note.issued_outside_portal, appel.issued_outside_portal) == (
        appel.adhesion,
        False,
        True,
    )
    client.force_login(referent_a)
    note_url = reverse("billing:document", kwargs={"pk": note.pk})
    download = client.get(note_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download.getvalue().startswith(b"%PDF")
    page = client.get(territory_a.get_absolute_url()).content.decode()
    assert note_url in page and page.count("Émis hors du portail (historique importé)") == 1
    assert client.get(reverse("billing:document", kwargs={"pk": appel.pk})).status_code == 404
    client.force_login(referent_b)
    assert client.get(note_url).status_code == 404


def test_the_file_is_not_kept_once_imported_or_refused(staff):
    refused = upload_and_preview(
        "territoires", csv_bytes(TERRITORY_HEADER, [territory_line(1, siren="1")]), staff
    )
    imported = import_file("territoires", csv_bytes(TERRITORY_HEADER, [territory_line(2)]), staff)
    waiting = upload_and_preview("territoires", csv_bytes(TERRITORY_HEADER, [territory_line(3)]), staff)
    assert bytes(refused.content) == b"" and bytes(imported.content) == b""
    assert bytes(waiting.content).startswith(b"SIREN;")


def test_a_row_refused_at_import_time_leaves_every_row_unwritten(staff):
    kept, removed = TerritoryFactory(), TerritoryFactory()
    lines = [
        f"un@exemple.example;Un;Exemple;;{kept.siren};Référent",
        f"deux@exemple.example;Deux;Exemple;;{removed.siren};Membre",
    ]
    batch = upload_and_preview("personnes", csv_bytes(PEOPLE_HEADER, lines), staff)
    assert services.import_batch_is_importable(batch)
    removed.delete()  # between the preview and the confirmation
    services.import_batch_confirm(batch=batch, by=staff)
    services.import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REFUSED
    assert batch.report["errors"][0]["line"] == 3
    assert not ImportedPerson.objects.exists()


def test_a_worker_knows_the_import_tasks():
    from anpp_portal.celery import app

    app.loader.import_default_modules()  # what a worker does at start (autodiscovery of <app>.tasks)
    assert {"members.imports.tasks.preview_import", "members.imports.tasks.run_import"} <= set(app.tasks)


def test_imported_adhesions_get_no_document_nor_reminder_from_the_portal(staff, send_outbox):
    from datetime import timedelta

    from django.utils import timezone

    from members.services import adhesions as adhesion_services

    territory = TerritoryFactory()
    MembershipFactory(territory=territory, role="referent")
    lines = [
        f"{territory.siren};2019;1200;Payée;15/02/2019;A2019-017;15/03/2019;Virement",
        f"{territory.siren};2020;1250;Appel émis;10/02/2020;A2020-003;;",
    ]
    import_file("adhesions", csv_bytes(ADHESION_HEADER, lines), staff)
    AdhesionCampaign.objects.filter(year=2020).update(reminder_days_unpaid=[30, 60])
    later = timezone.now() + timedelta(hours=1)

    assert set(Adhesion.objects.values_list("imported", flat=True)) == {True}
    assert adhesion_services.adhesion_documents_missing(now=later) == []
    paid = Adhesion.objects.get(campaign__year=2019)
    assert adhesion_services.adhesion_documents_render(adhesion_id=paid.pk) == []
    assert adhesion_services.adhesion_reminders_send() == 0
    assert send_outbox() == []


def test_an_adhesion_made_in_the_portal_is_not_changed_by_an_import(staff):
    territory = TerritoryFactory()
    campaign = AdhesionCampaign.objects.create(
        year=2018,
        opens_on=date(2018, 1, 1),
        closes_on=date(2018, 12, 31),
        fee_mode="brackets",
        population_year=2018,
    )
    Adhesion.objects.create(
        territory=territory, campaign=campaign, status="payee", amount=Decimal("900"), call_number="2018-0001"
    )
    InvoiceSequence.objects.create(series="A", year=2018, last_number=1)
    unchanged = f"{territory.siren};2018;900;Payée;;2018-0001;;"
    changed = f"{territory.siren};2018;950;Payée;;2018-0001;;"
    assert upload_and_preview("adhesions", csv_bytes(ADHESION_HEADER, [unchanged]), staff).report["skip"] == 1
    batch = upload_and_preview("adhesions", csv_bytes(ADHESION_HEADER, [changed]), staff)
    assert batch.report["errors"] == [
        {
            "line": 2,
            "column": "",
            "message": "Cette adhésion a été faite dans le portail : l'import ne la modifie pas "
            "(modifiez-la dans l'administration).",
        }
    ]


def test_a_person_matched_by_email_is_updated_and_moved(staff):
    first, second = TerritoryFactory(), TerritoryFactory()
    line = f"Direction@Exemple.example;Camille;Exemple;Directrice;{first.siren};Référent"
    import_file("personnes", csv_bytes(PEOPLE_HEADER, [line]), staff)
    before = ImportedPerson.objects.get()
    moved = f"direction@exemple.example;Camille;Exemple;Présidente;{second.siren};Membre"
    batch = import_file("personnes", csv_bytes(PEOPLE_HEADER, [moved]), staff)
    assert batch.report["update"] == 1
    person = ImportedPerson.objects.get()
    assert (person.pk, person.territory, person.function, person.role) == (
        before.pk,
        second,
        "Présidente",
        "membre",
    )
    assert person.updated_at > before.updated_at


def test_columns_may_come_in_any_order_with_others_beside_them(staff):
    territory = TerritoryFactory()
    header = "Remarque;Rôle;SIREN du territoire;Nom;Prénom;Email;Fonction"
    line = f"à rappeler;Membre;{territory.siren};Exemple;Alix;alix@exemple.example;Élue"
    batch = import_file("personnes", csv_bytes(header, [line]), staff)
    assert batch.report["new"] == 1
    person = ImportedPerson.objects.get()
    assert (person.first_name, person.last_name, person.function) == ("Alix", "Exemple", "Élue")


def test_past_years_campaigns_are_found_or_made_once_per_file_and_a_preview_makes_none(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.models import AdhesionCampaign

    def lines(count):
        territories = TerritoryFactory.create_batch(count)
        return [
            f"{t.siren};{2018 + n % 2};1 000,00;Appel émis;15/02/{2018 + n % 2};X{n}-{t.pk};;"
            for n, t in enumerate(territories)
        ]

    campaign_queries = []
    for count in (2, 12):
        content = csv_bytes(ADHESION_HEADER, lines(count))
        with CaptureQueriesContext(connection) as captured:
            batch = upload_and_preview("adhesions", content, staff)
        assert batch.report["errors"] == [], batch.report
        assert not AdhesionCampaign.objects.exists()  # the preview wrote nothing, campaigns included
        campaign_queries.append(  # looking campaigns up by year, or making one
            sum(
                'WHERE "members_adhesioncampaign"."year"' in q["sql"]
                or 'INSERT INTO "members_adhesioncampaign"' in q["sql"]
                for q in captured.captured_queries
            )
        )
    assert campaign_queries[0] == campaign_queries[1]  # per file, not per row
    assert (
        import_file("adhesions", csv_bytes(ADHESION_HEADER, lines(3)), staff).status
        == ImportBatch.Status.IMPORTED
    )
    assert sorted(AdhesionCampaign.objects.values_list("year", flat=True)) == [2018, 2019]


def test_an_adhesion_imported_again_keeps_its_own_number_but_not_another_appels(staff):
    from billing import services as billing_services

    territory = TerritoryFactory()
    lines = [
        f"{territory.siren};2018;900;Payée;15/02/2018;H-12;15/03/2018;Virement",
        f"{territory.siren};2019;900;Payée;15/02/2019;H-13;15/03/2019;Virement",
    ]
    import_file("adhesions", csv_bytes(ADHESION_HEADER, lines), staff)
    adhesion_2019 = Adhesion.objects.get(campaign__year=2019)
    billing_services.kept_number_check(number="H-13", adhesion=adhesion_2019)  # its own appel's
    with pytest.raises(billing_services.KeptNumberRefused) as refused:
        billing_services.kept_number_check(number="H-12", adhesion=adhesion_2019)
    assert str(refused.value) == "Numéro déjà porté par le document Appel de cotisation H-12."
