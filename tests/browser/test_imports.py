"""Staff onboard the ANPP's membership from spreadsheets in a real browser (issue 29): a file with two
bad rows is previewed and refused by line and reason, the fixed file imported, imported again without
a change, then the référents of two territories invited, one email each, once."""

import re

from django.conf import settings
from playwright.sync_api import expect

from anpp_portal.models import OutboundEmail
from members.models import ImportBatch, ImportedPerson, Invitation, Territory

from ..factories import StaffFactory, load_departments, valid_siren
from .test_adhesion import log_in

HEADER = (
    "SIREN;Nom;Nature juridique;Région;Départements;Population;Année de la population;"
    "Nombre de communes;Site internet;Adresse;Code postal;Commune"
)
NAMES = [
    "PETR exemple du Val",
    "Pays exemple des Coteaux",
    "PETR exemple de la Plaine",
    "Pôle exemple du Lac",
    "Pays exemple des Monts",
]


def territory_rows(*, bad: bool) -> list[str]:
    rows = []
    for n, name in enumerate(NAMES):
        siren = "123456789" if bad and n == 1 else valid_siren(500 + n)
        departments = "16, 99" if bad and n == 3 else "16, 17"
        rows.append(f"{siren};{name};PETR;Nouvelle-Aquitaine;{departments};3{n} 000;2021;4{n};;;;")
    return rows


def people_rows() -> list[str]:
    rows = []
    for n in range(5):
        rows.append(
            f"direction{n}@exemple.example;Camille;Exemple {n};Directrice;{valid_siren(500 + n)};Référent"
        )
    for n in range(3):
        rows.append(
            f"mission{n}@exemple.example;Dominique;Exemple {n};Chargé de mission;{valid_siren(500 + n)};Membre"
        )
    return rows


def write(tmp_path, name, header, rows, encoding="cp1252"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def upload(page, kind_label, path):
    page.goto("/admin/members/importbatch/add/")
    page.get_by_label(kind_label, exact=True).check()
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(path))
    page.get_by_role("button", name="Lire le fichier et voir l’aperçu").click()
    expect(page.locator("#import-status")).to_contain_text(re.compile("Aperçu prêt|Refusé"))


def count(page, kind):
    return page.locator(f"#import-counts td[data-count='{kind}']")


def test_staff_import_territories_and_people_then_invite_the_referents_of_two(
    page, transactional_db, tmp_path, send_outbox
):
    load_departments()  # gone if a transactional test ran before
    staff = StaffFactory()
    log_in(page, staff.email)

    # A file over the limit is refused in the browser, before it is sent.
    big = tmp_path / "trop-gros.csv"
    big.write_bytes(b"x" * (settings.ANPP_IMPORT_MAX_BYTES + 1))
    page.goto("/admin/members/importbatch/add/")
    page.get_by_label("Territoires", exact=True).check()
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(big))
    page.get_by_role("button", name="Lire le fichier et voir l’aperçu").click()
    expect(page.get_by_role("alert")).to_contain_text("Fichier trop volumineux : la limite est de 5,0")
    assert not ImportBatch.objects.exists()

    # A semicolon CSV in the Windows encoding, with two bad rows: the preview names them and why.
    upload(page, "Territoires", write(tmp_path, "territoires.csv", HEADER, territory_rows(bad=True)))
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("3")
    expect(errors.nth(0)).to_contain_text("SIREN")
    expect(errors.nth(0)).to_contain_text("Numéro SIREN invalide")
    expect(errors.nth(1)).to_contain_text("5")
    expect(errors.nth(1)).to_contain_text("Départements")
    expect(errors.nth(1)).to_contain_text("Département inconnu : « 99 »")
    expect(count(page, "new")).to_have_text("3")
    expect(count(page, "invalid")).to_have_text("2")
    expect(page.get_by_role("button", name="Importer ces lignes")).to_have_count(0)
    assert not Territory.objects.exists()

    # The fixed file: previewed, then imported.
    fixed = write(tmp_path, "territoires-corrige.csv", HEADER, territory_rows(bad=False))
    upload(page, "Territoires", fixed)
    expect(count(page, "new")).to_have_text("5")
    page.get_by_role("button", name="Importer ces lignes").click()
    expect(page.locator("#import-status")).to_contain_text("Importé")
    assert sorted(Territory.objects.values_list("name", flat=True)) == sorted(NAMES)
    stamps = dict(Territory.objects.values_list("siren", "updated_at"))

    # The same file again: nothing changes.
    upload(page, "Territoires", fixed)
    expect(count(page, "skip")).to_have_text("5")
    expect(count(page, "new")).to_have_text("0")
    expect(count(page, "update")).to_have_text("0")
    page.get_by_role("button", name="Importer ces lignes").click()
    expect(page.locator("#import-status")).to_contain_text("Importé")
    assert dict(Territory.objects.values_list("siren", "updated_at")) == stamps

    # Eight people, in UTF-8 with commas this time.
    people_header = "Email,Prénom,Nom,Fonction,SIREN du territoire,Rôle"
    people = write(
        tmp_path, "personnes.csv", people_header, [r.replace(";", ",") for r in people_rows()], "utf-8"
    )
    upload(page, "Personnes", people)
    expect(count(page, "new")).to_have_text("8")
    page.get_by_role("button", name="Importer ces lignes").click()
    expect(page.locator("#import-status")).to_contain_text("Importé")
    assert ImportedPerson.objects.count() == 8

    # The référents of two territories, invited; a second click sends nothing more.
    page.get_by_role("link", name="Inviter les personnes importées").click()
    for said in ("2 invitation(s) envoyée(s) ; 0 déjà", "0 invitation(s) envoyée(s) ; 2 déjà invitée(s)"):
        page.get_by_label(re.compile(r"PETR exemple du Val \(SIREN")).check()
        page.get_by_label(re.compile(r"Pays exemple des Coteaux \(SIREN")).check()
        page.get_by_label("Les référents").check()
        page.get_by_role("button", name="Envoyer les invitations").click()
        expect(page.locator(".messagelist")).to_contain_text(said)
        page.goto("/admin/members/importedperson/inviter/")
    page.goto("/admin/members/importedperson/?invitation=envoyee")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#result_list")).to_contain_text("Envoyée le")

    sent = send_outbox()
    assert sorted(message.to[0] for message in sent) == [
        "direction0@exemple.example",
        "direction1@exemple.example",
    ]
    assert OutboundEmail.objects.count() == 2
    assert Invitation.objects.count() == 2
