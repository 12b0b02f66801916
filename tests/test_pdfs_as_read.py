"""Every PDF of the portal as a reader sees it: its text page by page (pypdf), checked for what
makes a director frown — a cover with something after it, a page holding only a footer or a
sentence, a document without who signs it or ANPP's SIRET.

``ANPP_PDF_DUMP=folder`` also writes each PDF there, to look at (``pdftoppm -png -r 60``)."""

import datetime
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest

from billing import demo as billing_demo
from billing import services as billing_services
from billing.models import Invoice
from events import pdf as event_pdf
from events import services as event_services
from members import services as member_services
from publications import demo as publications_demo
from publications import pdf as issue_pdf
from publications.models import Issue

from .billing.conftest import BUYER_SIRET, called_adhesion, priced_registration, validated_adhesion
from .events.factories import EventFactory
from .events.helpers import person
from .factories import StaffFactory, TerritoryFactory
from .publications.factories import ArticleFactory, IssueFactory
from .reading import PLAIN_TEXT_RULES, problems

pytestmark = pytest.mark.django_db

# Spaces pypdf may return in French text (no-break, narrow no-break) read as plain spaces.
_SPACES = re.compile("[\u00a0\u202f]")


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def territory(db):
    return TerritoryFactory(name="PETR du Pays de l'Œuvre-Évreux Sud", slug="oeuvre-evreux-sud")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _demo_billing_identity(_billing_identity, settings):
    """The demo's identity, as a newcomer sees the documents (with its « exemple » notice)."""
    settings.ANPP_BILLING_INITIAL = billing_demo.EXAMPLE_IDENTITY


SELLER_SIRET = billing_demo.EXAMPLE_IDENTITY["siret"]
SIGNATORY = "{signatory_name}, {signatory_title}".format(**billing_demo.EXAMPLE_IDENTITY)


def flat(pages: list[str]) -> str:
    """The pages' text on one line: what a line break cut ("l'Œuvre-\\nÉvreux") reads whole."""
    return " ".join(" ".join(pages).split())


# The documents the portal writes (not the magazine's own text) read the French way.
DOCUMENT_RULES = [
    rule
    for rule in PLAIN_TEXT_RULES
    if rule[0] not in ("empty placeholder", "space before a full stop or comma", "time with a colon")
]


def pages_of(name: str, data: bytes) -> list[str]:
    if folder := os.environ.get("ANPP_PDF_DUMP"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.pdf").write_bytes(data)
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = [_SPACES.sub(" ", page.extract_text() or "") for page in reader.pages]
    if name != "issue":
        assert problems(flat(pages), DOCUMENT_RULES) == [], name
    return pages


def footer_free(text: str, footer: str) -> str:
    """The page's text without its running footer (``footer`` is a regex)."""
    return re.sub(footer, "", text).strip()


def sentences(text: str) -> int:
    return len([part for part in re.split(r"(?<=[.!?:])\s+|\n", text) if part.strip()])


def assert_no_thin_page(name: str, pages: list[str], footer: str) -> None:
    """No page past the first holds only the footer, or the footer and a sentence or two."""
    for number, text in enumerate(pages[1:], start=2):
        body = footer_free(text, footer)
        assert body, f"{name}: page {number} holds only its footer"
        assert sentences(body) > 2, f"{name}: page {number} holds only {body!r}"


def test_the_issue_opens_on_its_cover_alone_and_every_page_after_it_carries_text(staff):
    publications_demo.load()  # the real first issue with its generated cover, as the demo has it
    issue = Issue.objects.get(number=1)
    assert issue.cover, "the demo issue has its generated cover"
    pages = pages_of("issue", issue_pdf.render_pdf(issue_pdf.issue_html(issue)))

    # The cover page: the generated cover image, nothing of the table of contents, no footer.
    cover = pages[0]
    assert "Sommaire" not in cover and "Hiver 2018 / n°01 / Territoires de Projets" not in cover
    assert "PARTENAIRE" not in cover.upper()
    # Page 2 is the table of contents, starting with its title (no spilled cover block before it).
    assert pages[1].startswith("Sommaire"), pages[1][:200]
    assert_no_thin_page("issue", pages, r"Hiver 2018 / n°01 / Territoires de Projets \d+\s*ANPP")


def test_an_issue_without_a_cover_image_keeps_its_drawn_cover_on_page_1_whatever_its_titles(staff):
    issue = IssueFactory(
        number=42, title="Territoires de Projets : la transition écologique des Pays et des PETR"
    )
    for order in range(1, 7):
        ArticleFactory(
            issue=issue,
            order=order,
            title=f"Article {order} : un titre long comme en écrivent les territoires de projets, sur deux lignes",
        )
    pages = pages_of("issue-sans-image", issue_pdf.render_pdf(issue_pdf.issue_html(issue)))
    assert "n°42" in pages[0]
    assert pages[1].startswith("Sommaire"), pages[1][:200]


# Footer of the administrative documents: "<seller> · <address> · SIRET … · <number> · page 1/2".
DOCUMENT_FOOTER = r"[^\n]*· page \d+/\d+"


def paid_adhesion(territory, staff):
    adhesion = called_adhesion(territory, staff)
    member_services.payment_record(
        adhesion=adhesion,
        paid_on=datetime.date(2018, 3, 1),
        amount=adhesion.amount,
        method="virement",
        reference="VIR-1",
        by=staff,
    )
    member_services.adhesion_documents_render(adhesion_id=adhesion.pk)
    adhesion.refresh_from_db()
    return adhesion


def test_the_appel_holds_on_one_page_with_its_signatory_and_sirets(territory, staff):
    adhesion = called_adhesion(territory, staff)
    pages = pages_of("appel", adhesion.call_pdf.read())
    assert len(pages) == 1, f"the appel runs onto page 2: {footer_free(pages[-1], DOCUMENT_FOOTER)!r}"
    text = flat(pages)
    for expected in (f"SIRET {SELLER_SIRET}", f"SIRET de l'acheteur : {BUYER_SIRET}", SIGNATORY):
        assert expected in text, expected
    assert "PETR du Pays de l'Œuvre-Évreux Sud" in text and "1 877,00 €" in text


def test_an_appel_with_a_long_billing_address_still_holds_on_one_page(territory, staff):
    adhesion = validated_adhesion(territory)
    adhesion.billing_address = (
        f"{territory.name}\nDirection des finances – service comptabilité\nBâtiment B, 2e étage\n"
        "1 place de l'Église\nCS 40021\n27000 Évreux Cedex"
    )
    adhesion.amount_basis = "52 480 habitants × 0,05 € = 2 624 €, ramené au plafond de 1 877 €"
    adhesion.save()
    member_services.call_issue(adhesion=adhesion, by=staff)
    member_services.adhesion_documents_render(adhesion_id=adhesion.pk)
    adhesion.refresh_from_db()
    pages = pages_of("appel-long", adhesion.call_pdf.read())
    assert len(pages) == 1, f"the appel runs onto page 2: {footer_free(pages[-1], DOCUMENT_FOOTER)!r}"
    assert "CS 40021" in pages[0] and SIGNATORY in flat(pages)


def test_the_attestation_names_its_signatory_and_anpps_siret(territory, staff):
    adhesion = paid_adhesion(territory, staff)
    pages = pages_of("attestation", adhesion.attestation_pdf.read())
    assert len(pages) == 1
    text = flat(pages)
    assert "PETR du Pays de l'Œuvre-Évreux Sud" in text
    assert f"SIRET {SELLER_SIRET}" in text
    assert SIGNATORY in text
    assert "Document d'exemple" in text  # the demo's identity is fictitious, as on the appel
    assert "cotisation de 1 877 € ayant été acquittée" in text


def test_the_event_invoice_and_the_credit_note_have_no_thin_page(territory, staff):
    registration = priced_registration(territory, prices=(Decimal("90"), Decimal("40")))
    invoice = billing_services.event_invoice_issue(registration=registration, by=staff)
    pages = pages_of("facture", billing_services.invoice_pdf_render(invoice_id=invoice.pk))
    assert_no_thin_page("facture", pages, DOCUMENT_FOOTER)
    assert "130,00 €" in flat(pages) and f"SIRET {SELLER_SIRET}" in flat(pages[:1])

    adhesion = called_adhesion(territory, staff)
    member_services.adhesion_cancel(adhesion=adhesion, by=staff, reason="Adhésion saisie en double.")
    note = Invoice.objects.get(kind=Invoice.Kind.AVOIR)
    pages = pages_of("avoir", billing_services.invoice_pdf_render(invoice_id=note.pk))
    assert_no_thin_page("avoir", pages, DOCUMENT_FOOTER)
    assert "Avoir n° " in pages[0] and "Adhésion saisie en double." in flat(pages)


def test_badges_and_the_emargement_have_every_person_and_no_thin_page(territory, staff):
    event = EventFactory(capacity=30)
    event_services.registration_create(
        event=event, by=staff, territory=territory, participants=[person(i, event) for i in range(13)]
    )
    badges = pages_of("badges", event_pdf.badges(event))
    assert len(badges) == 2  # ten badges a page
    assert sorted(int(n) for n in re.findall(r"Prénom(\d+)", "\n".join(badges))) == list(range(13))
    sheets = pages_of("emargement", event_pdf.signin_sheets(event))
    for number, text in enumerate(sheets, start=1):
        assert sentences(text) > 2, f"émargement page {number} holds only {text!r}"
        assert event.title in text
    assert len(re.findall(r"\bNOM0\b", "\n".join(sheets).upper())) == 2  # once a day, on both days
