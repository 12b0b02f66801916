import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Adhesion

from .adhesion_factories import CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_campaign():
    today = timezone.localdate()
    return CampaignFactory(
        year=today.year,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=30),
    )


def url(territory, year, name="members:adhesion"):
    return reverse(name, kwargs={"slug": territory.slug, "year": year})


def test_the_territory_page_offers_the_current_adhesion(client, territory_a, referent_a, open_campaign):
    client.force_login(referent_a)
    content = client.get(territory_a.get_absolute_url()).content.decode()
    assert url(territory_a, open_campaign.year) in content


def test_the_form_shows_the_cotisation_and_its_basis_before_submission(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    response = client.get(url(territory_a, open_campaign.year))
    content = response.content.decode()
    assert response.status_code == 200
    assert "1\u00a0877 €" in content
    assert "37\u00a0533 habitants × 0,05 €" in content


def test_bad_input_is_refused_next_to_the_field_in_french_and_the_valid_part_saved(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    response = client.post(
        url(territory_a, open_campaign.year),
        {
            "population": "-5",
            "siret": "123 456",
            "billing_contact_email": "pas-un-email",
            "signatory_name": "Jean Dupont",
            "save": "",
        },
        follow=True,
    )
    # POST/redirect/GET (Back never reaches the answer to a POST): the typed input comes back.
    assert response.redirect_chain == [(url(territory_a, open_campaign.year), 302)]
    content = response.content.decode()
    assert "La population doit être d&#x27;au moins un habitant." in content
    assert "Numéro SIRET invalide" in content
    assert "Saisissez une adresse email valide." in content
    assert 'value="Jean Dupont"' in content and 'value="123 456"' in content
    assert 'value="-5"' in content and 'value="pas-un-email"' in content
    adhesion = Adhesion.objects.get()
    assert adhesion.signatory_name == "Jean Dupont"  # the valid part of the draft is saved
    assert adhesion.siret == "" and adhesion.billing_contact_email == ""


def test_submitting_an_incomplete_adhesion_saves_it_and_points_at_the_missing_fields(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    response = client.post(
        url(territory_a, open_campaign.year),
        {"population": "37533", "signatory_name": "Jean Dupont", "billing_address": "1 place", "submit": ""},
        follow=True,
    )
    assert response.redirect_chain == [(url(territory_a, open_campaign.year), 302)]
    content = response.content.decode()
    assert "Indiquez la qualité du signataire." in content
    assert "Indiquez l&#x27;email du contact facturation." in content
    adhesion = Adhesion.objects.get()
    assert adhesion.status == Adhesion.Status.BROUILLON and adhesion.signatory_name == "Jean Dupont"


def test_a_complete_submission_goes_through_a_confirmation_then_locks_the_form(
    client, territory_a, referent_a, open_campaign
):
    client.force_login(referent_a)
    data = {
        "population": "37533",
        "signatory_name": "Jean Dupont",
        "signatory_role": "Président",
        "billing_contact_email": "compta@pays-a.fr",
        "billing_address": "1 place de la Mairie",
        "siret": "200 070 498 00007",
        "submit": "",
    }
    response = client.post(url(territory_a, open_campaign.year), data)
    assert response.status_code == 302
    assert response["Location"] == url(territory_a, open_campaign.year, "members:adhesion_submit")
    confirmation = client.get(response["Location"]).content.decode()
    assert "Ce qui va se passer" in confirmation and "compta@pays-a.fr" in confirmation
    assert "1\u00a0877 €" in confirmation and "Jean Dupont" in confirmation
    assert Adhesion.objects.get().status == Adhesion.Status.BROUILLON  # nothing sent before confirming
    response = client.post(url(territory_a, open_campaign.year, "members:adhesion_submit"), follow=True)
    assert "soumise à l&#x27;ANPP" in response.content.decode()
    adhesion = Adhesion.objects.get()
    assert adhesion.status == Adhesion.Status.SOUMISE and adhesion.siret == "20007049800007"
    assert "Soumettre" not in response.content.decode()
    client.post(url(territory_a, open_campaign.year), {**data, "signatory_name": "Autre", "save": ""})
    adhesion.refresh_from_db()
    assert adhesion.signatory_name == "Jean Dupont"


def test_a_closed_campaign_says_so(client, territory_a, referent_a):
    CampaignFactory(year=2018)
    client.force_login(referent_a)
    response = client.get(url(territory_a, 2018))
    assert response.status_code == 200 and "est close" in response.content.decode()


def test_a_year_without_campaign_is_a_404(client, territory_a, referent_a):
    client.force_login(referent_a)
    assert client.get(url(territory_a, 1999)).status_code == 404


def test_documents_are_downloaded_by_the_territory_once_issued(
    client, territory_a, referent_a, staff, open_campaign, django_capture_on_commit_callbacks
):
    client.force_login(referent_a)
    assert client.get(url(territory_a, open_campaign.year, "members:adhesion_call_pdf")).status_code == 404
    adhesion = services.adhesion_open(territory=territory_a, campaign=open_campaign, by=referent_a)
    services.adhesion_save(
        adhesion=adhesion,
        data={
            "signatory_name": "J",
            "signatory_role": "P",
            "billing_contact_email": "c@p.fr",
            "billing_address": "A",
        },
        by=referent_a,
    )
    services.adhesion_submit(adhesion=adhesion, by=referent_a)
    with django_capture_on_commit_callbacks() as rendering:
        services.adhesion_validate(adhesion=adhesion, by=staff)
    # Until the worker has rendered it, the page says the call is being prepared.
    page = client.get(url(territory_a, open_campaign.year, "members:adhesion"))
    assert "en préparation" in page.content.decode()
    assert client.get(url(territory_a, open_campaign.year, "members:adhesion_call_pdf")).status_code == 404
    for callback in rendering:
        callback()
    response = client.get(url(territory_a, open_campaign.year, "members:adhesion_call_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]


def test_refused_input_waits_for_a_reload_and_goes_once_saved(client, territory_a, referent_a, open_campaign):
    client.force_login(referent_a)
    page = url(territory_a, open_campaign.year)
    refused = client.post(
        page, {"billing_contact_email": "pas-un-email", "signatory_name": "Jean", "save": ""}
    )
    assert refused.status_code == 302 and refused["Location"] == page
    for _ in range(2):  # a reload, or Back then Forward, shows it again
        content = client.get(page).content.decode()
        assert 'value="pas-un-email"' in content and "Saisissez une adresse email valide." in content
    saved = client.post(
        page, {"billing_contact_email": "compta@pays-a.fr", "signatory_name": "Jean", "save": ""}
    )
    assert saved.status_code == 302 and saved["Location"] == page
    content = client.get(page).content.decode()
    assert 'value="compta@pays-a.fr"' in content and "pas-un-email" not in content
