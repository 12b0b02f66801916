"""The staff dashboard and the staff adhésion list: right figures, constant queries, exports."""

import csv
import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from billing.models import Invoice, InvoicePayment
from members.models import Adhesion

from ..factories import TerritoryFactory, UserFactory
from .adhesion_factories import CampaignFactory

pytestmark = pytest.mark.django_db


def make_adhesions(campaign, count, status=Adhesion.Status.APPEL_EMIS, region="75", amount=Decimal("1000")):
    created = []
    for _ in range(count):
        territory = TerritoryFactory(region=region)
        created.append(
            Adhesion.objects.create(
                territory=territory,
                campaign=campaign,
                status=status,
                amount=amount,
                call_number=None
                if status in (Adhesion.Status.BROUILLON, Adhesion.Status.SOUMISE)
                else f"{campaign.year}-{Adhesion.objects.count() + 1:04d}",
                submitted_at=timezone.make_aware(datetime.datetime(campaign.year, 1, 20)),
                call_issued_at=timezone.make_aware(datetime.datetime(campaign.year, 2, 1)),
            )
        )
        adhesion = created[-1]
        if adhesion.call_number:  # a called adhésion has its appel in billing's ledger
            Invoice.objects.create(
                kind=Invoice.Kind.APPEL,
                number=adhesion.call_number,
                issued_at=adhesion.call_issued_at,
                territory=territory,
                adhesion=adhesion,
                buyer_name=territory.name,
                subject=f"Cotisation {campaign.year}",
                lines=[
                    {"label": "Cotisation", "quantity": 1, "unit_price": str(amount), "amount": str(amount)}
                ],
                total=amount,
            )
    return created


def test_the_dashboard_figures_match_a_hand_computed_data_set(client, staff):
    campaign = CampaignFactory(year=2018)
    # Nouvelle-Aquitaine: 3 territories, 2 members (one paid 1 000 €, one called); Occitanie: 1 territory, a draft.
    paid, _called = make_adhesions(campaign, 2, region="75")
    paid.status = Adhesion.Status.PAYEE
    paid.save()
    InvoicePayment.objects.create(
        invoice=paid.invoices.get(),
        paid_on=datetime.date(2018, 3, 1),
        amount=Decimal("1000"),
        method="mandat",
    )
    TerritoryFactory(region="75")
    make_adhesions(campaign, 1, status=Adhesion.Status.BROUILLON, region="76")
    client.force_login(staff)
    response = client.get(reverse("members:dashboard"), {"annee": 2018})
    assert response.status_code == 200
    context = response.context
    assert context["territories"] == 4 and context["members"] == 2 and context["rate"] == 50
    assert context["called"] == Decimal("2000") and context["paid"] == Decimal("1000")
    regions = {row["name"]: (row["members"], row["total"], row["rate"]) for row in context["regions"]}
    assert regions == {"Nouvelle-Aquitaine": (2, 3, 67), "Occitanie": (0, 1, 0)}
    assert {label: count for label, count, _url in context["by_status"]}["Appel émis"] == 1
    content = response.content.decode()
    assert "50 %" in content and "<svg" in content


@pytest.mark.parametrize("size", [10, 60])
def test_the_dashboard_makes_a_constant_number_of_queries(client, staff, django_assert_max_num_queries, size):
    campaign = CampaignFactory(year=2018)
    make_adhesions(campaign, size)
    # Every call late: the list of retardataires holds them all, in the same queries.
    Adhesion.objects.update(call_issued_at=timezone.now() - datetime.timedelta(days=60))
    client.force_login(staff)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("members:dashboard"), {"annee": 2018})
    assert response.status_code == 200 and len(response.context["unpaid"]) == size
    assert response.context["members"] == size and response.context["called"] == Decimal("1000") * size


@pytest.mark.parametrize("size", [10, 60])
def test_the_staff_adhesion_list_makes_a_constant_number_of_queries(
    client, staff, django_assert_max_num_queries, size
):
    make_adhesions(CampaignFactory(year=2018), size)
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:members_adhesion_changelist"))
    assert response.status_code == 200


def test_the_dashboard_is_for_staff_only(client, referent_a):
    url = reverse("members:dashboard")
    assert client.get(url).status_code == 302
    client.force_login(referent_a)
    assert client.get(url).status_code == 403


def test_exports_have_one_row_per_adhesion_with_formulas_neutralised(client, staff):
    campaign = CampaignFactory(year=2018)
    adhesions = make_adhesions(campaign, 3)
    Adhesion.objects.filter(pk=adhesions[0].pk).update(signatory_name='=HYPERLINK("http://x")')
    client.force_login(staff)
    ids = [a.pk for a in adhesions]
    url = reverse("admin:members_adhesion_changelist")
    csv_response = client.post(url, {"action": "export_csv", "_selected_action": ids})
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Année", "Territoire", "Nature"] and len(rows) == 4
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    xlsx_response = client.post(url, {"action": "export_xlsx", "_selected_action": ids})
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.values)
    assert len(values) == 4 and values[0][0] == "Année"
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for row in values for v in row)


def test_staff_validate_from_the_admin_which_issues_the_call(client, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = CampaignFactory(year=2018)
    [adhesion] = make_adhesions(campaign, 1, status=Adhesion.Status.SOUMISE)
    client.force_login(staff)
    client.post(
        reverse("admin:members_adhesion_changelist"),
        {"action": "validate", "_selected_action": [adhesion.pk]},
    )
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.APPEL_EMIS
    assert adhesion.call_number == f"{timezone.localdate().year}-0001"  # the series of the year of issue


def test_the_admin_adhesion_page_shows_the_appel_payments_and_records_them_on_the_appel(
    client, staff, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    campaign = CampaignFactory(year=2018)
    [adhesion] = make_adhesions(campaign, 1, status=Adhesion.Status.APPEL_EMIS, amount=Decimal("500"))
    adhesion.transitions.create(from_status=Adhesion.Status.VALIDEE, to_status=Adhesion.Status.APPEL_EMIS)
    appel = adhesion.invoices.get()
    client.force_login(staff)
    change_url = reverse("admin:members_adhesion_change", args=[adhesion.pk])
    page = client.get(change_url).content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "Aucun paiement." in page and "Reste dû : 500 €." in page
    payment_url = reverse("billing:invoice_payment", kwargs={"pk": appel.pk})
    assert reverse("billing:invoice_staff", kwargs={"pk": appel.pk}) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            payment_url, {"paid_on": "2018-03-01", "amount": "500", "method": "mandat", "reference": "M-1"}
        )
    assert response.status_code == 302
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.PAYEE and adhesion.attestation_pdf
    assert appel.payments.get().recorded_by == staff
    page = client.get(change_url).content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "1er mars 2018 – 500 € – Mandat administratif M-1" in page and "Reste dû : 0 €." in page


def test_a_territory_person_cannot_reach_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:members_adhesion_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_cancel_from_the_admin_with_a_reason(client, staff):
    [adhesion] = make_adhesions(CampaignFactory(year=2018), 1, status=Adhesion.Status.SOUMISE)
    client.force_login(staff)
    url = reverse("admin:members_adhesion_changelist")
    asked = client.post(url, {"action": "cancel", "_selected_action": [adhesion.pk]})
    assert asked.status_code == 200 and "Motif de l&#x27;annulation" in asked.content.decode()
    refused = client.post(
        url, {"action": "cancel", "_selected_action": [adhesion.pk], "apply": "1", "reason": ""}
    )
    assert "Indiquez le motif" in refused.content.decode()
    done = client.post(
        url, {"action": "cancel", "_selected_action": [adhesion.pk], "apply": "1", "reason": "Doublon"}
    )
    assert done.status_code == 302
    adhesion.refresh_from_db()
    assert adhesion.status == Adhesion.Status.ANNULEE and adhesion.cancel_reason == "Doublon"


def test_staff_send_a_reminder_now_once_a_day(client, staff, territory_a, referent_a, send_outbox):
    campaign = CampaignFactory(year=2018)
    adhesion = Adhesion.objects.create(
        territory=territory_a, campaign=campaign, status=Adhesion.Status.BROUILLON
    )
    client.force_login(staff)
    url = reverse("admin:members_adhesion_changelist")
    client.post(url, {"action": "remind_now", "_selected_action": [adhesion.pk]})
    client.post(url, {"action": "remind_now", "_selected_action": [adhesion.pk]})
    assert [m.to for m in send_outbox()] == [[referent_a.email]]
    page = client.get(reverse("admin:members_adhesion_change", args=[adhesion.pk])).content.decode()
    assert referent_a.email in page  # the reminder history on the adhésion


# --- readable figures, links, retardataires -------------------------------------------------------


@pytest.mark.parametrize("weeks", [1, 10, 16, 26, 46, 52, 104])
def test_the_weekly_axis_shows_labels_that_never_overlap_whatever_the_campaign_length(weeks):
    from members.dashboard import AXIS_LABEL_WIDTH, Bar, Chart, vertical

    chart = vertical(Chart("cumul", [Bar(f"S{n + 1}", n, str(n)) for n in range(weeks)]))
    shown = [bar.x for bar in chart.bars if bar.show_label]
    assert shown[0] == chart.bars[0].x  # the first week is always named
    assert all(b - a >= AXIS_LABEL_WIDTH - 1e-6 for a, b in itertools.pairwise(shown))
    assert len(shown) >= min(weeks, 8)  # thinned, not emptied


def test_every_figure_of_the_dashboard_links_to_the_admin_list_it_counts(client, staff):
    campaign = CampaignFactory(year=2018)
    make_adhesions(campaign, 2, region="75")
    client.force_login(staff)
    response = client.get(reverse("members:dashboard"), {"annee": 2018})
    context = response.context
    admin_list = reverse("admin:members_adhesion_changelist")
    week_url = context["weeks"].bars[0].url
    region_url = context["regions"][0]["url"]
    for url in [week_url, region_url, context["by_status"][0][2]]:
        assert url.startswith(admin_list + "?")
        listed = client.get(url)
        assert listed.status_code == 200 and "?e=1" not in listed.get("Location", ""), url
    # The adhérents are territories (by the rule of selectors.territories_with_valid_adhesion).
    assert context["links"]["members"].startswith(reverse("admin:members_territory_changelist") + "?")
    listed = client.get(context["links"]["members"])
    assert listed.context["cl"].result_count == 2
    assert client.get(region_url).context["cl"].result_count == 2
    assert f'href="{week_url.replace("&", "&amp;")}"' in response.content.decode()


def test_late_payers_are_listed_and_reminded_in_one_click_exactly_once(client, staff):
    from anpp_portal.models import OutboundEmail
    from members.models import Role

    from ..factories import MembershipFactory

    campaign = CampaignFactory(year=2018)
    late, recent = make_adhesions(campaign, 2)
    Adhesion.objects.filter(pk=late.pk).update(call_issued_at=timezone.now() - datetime.timedelta(days=45))
    Adhesion.objects.filter(pk=recent.pk).update(call_issued_at=timezone.now() - datetime.timedelta(days=5))
    referent = MembershipFactory(territory=late.territory, role=Role.REFERENT).user
    client.force_login(staff)
    page = client.get(reverse("members:dashboard"), {"annee": 2018})
    assert [a.pk for a in page.context["unpaid"]] == [late.pk]
    assert 'id="retardataires"' in page.content.decode()
    for _click in range(2):
        response = client.post(reverse("members:staff_remind"), {"adhesion": late.pk})
        assert response.status_code == 302 and response["Location"].endswith("#retardataires")
    reminders = OutboundEmail.objects.filter(key__startswith=f"adhesion-reminder:{late.pk}:unpaid:manual-")
    assert list(reminders.values_list("to", flat=True)) == [referent.email]


def test_the_dashboard_lists_missing_fiches_and_reminds_their_referents(client, staff):
    from anpp_portal.models import OutboundEmail
    from members.models import FicheRenseignements, Role

    from ..factories import MembershipFactory
    from .fiche_factories import FicheCampaignFactory

    today = timezone.localdate()
    fiche_campaign = FicheCampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=10),
    )
    missing = MembershipFactory(role=Role.REFERENT)
    done = MembershipFactory(role=Role.REFERENT)
    FicheRenseignements.objects.create(
        territory=done.territory, campaign=fiche_campaign, status=FicheRenseignements.Status.SOUMISE
    )
    client.force_login(staff)
    page = client.get(reverse("members:dashboard"))
    assert [t.pk for t in page.context["missing_fiches"]] == [missing.territory.pk]
    client.post(reverse("members:staff_remind"), {"territory": missing.territory.pk, "annee": today.year})
    client.post(reverse("members:staff_remind"), {"territory": done.territory.pk, "annee": today.year})
    keys = list(OutboundEmail.objects.filter(key__startswith="fiche-reminder:").values_list("to", flat=True))
    assert keys == [missing.user.email]
