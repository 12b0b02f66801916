"""Issue 23, finding 3: the XLSX exports never answer 500 on stored text (a control character kept
from before the portal refused them made openpyxl raise IllegalCharacterError)."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from openpyxl import load_workbook

from anpp_portal.exports import xlsx_response
from events.models import Participant
from members import services as member_services
from members.models import FicheRenseignements

from .events.factories import ParticipantFactory, RegistrationFactory
from .factories import StaffFactory
from .members.fiche_factories import FicheCampaignFactory
from .members.test_fiches import IN_CAMPAIGN


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_a_cell_loses_its_control_characters_and_a_formula_stays_neutralised():
    sheet = _sheet(xlsx_response("essai", ["Nom\x0b"], [["Exem\x0bple"], ["\x01=1+1"], [12]])).active
    assert list(sheet.values) == [("Nom",), ("Exemple",), ("'=1+1",), (12,)]


@pytest.mark.django_db
def test_the_participants_export_opens_with_a_stored_control_character(client, territory_a):
    participant = ParticipantFactory(registration=RegistrationFactory(territory=territory_a))
    Participant.objects.filter(pk=participant.pk).update(
        last_name="Exem\x0bple", dietary_needs="sans\x01 gluten"
    )
    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:events_participant_changelist"),
        {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [participant.pk]},
    )
    values = [value for row in _sheet(response).active.values for value in row]
    assert "Exemple" in values and "sans gluten" in values


@pytest.mark.django_db
def test_the_fiches_export_opens_with_a_stored_control_character(client, territory_a, referent_a):
    fiche = member_services.fiche_open(
        territory=territory_a, campaign=FicheCampaignFactory(year=2018), by=referent_a, today=IN_CAMPAIGN
    )
    FicheRenseignements.objects.filter(pk=fiche.pk).update(
        answers={**fiche.answers, "epci": [{"nom": "CC du\x0b Ruffécois", "siren": ""}]}
    )
    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:members_ficherenseignements_changelist"),
        {"action": "export_xlsx", ACTION_CHECKBOX_NAME: [fiche.pk]},
    )
    workbook = _sheet(response)
    assert "CC du Ruffécois" in [value for row in workbook["EPCI"].values for value in row]
