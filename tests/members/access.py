"""How the members app's URLs name a territory's data, for tests/test_territory_isolation.py."""

from django.core.files.base import ContentFile

from members.models import Adhesion, DirectoryProfile, FicheRenseignements, Role
from members.questionnaire_default import DEFAULT_QUESTIONNAIRE

from ..factories import InvitationFactory, MembershipFactory
from .adhesion_factories import CampaignFactory
from .fiche_factories import FicheCampaignFactory
from .survey_factories import TWO_SECTIONS, SurveyFactory


def territory_objects(territory) -> dict:
    """Objects of ``territory`` that URLs can name."""
    campaign = CampaignFactory(year=2018)
    adhesion = Adhesion.objects.create(
        territory=territory,
        campaign=campaign,
        status=Adhesion.Status.PAYEE,
        amount=1877,
        call_number=f"2018-9{territory.pk:03d}",
        call_pdf=ContentFile(b"%PDF-1.7 appel", name="appel.pdf"),
        attestation_pdf=ContentFile(b"%PDF-1.7 attestation", name="attestation.pdf"),
    )
    fiche = FicheRenseignements.objects.create(
        territory=territory, campaign=FicheCampaignFactory(year=2018), answers={"nom": territory.name}
    )
    # An enquête asked of this territory only (chosen by hand), open today.
    survey = SurveyFactory(audience="liste", title=f"Enquête fictive pour {territory.name}")
    survey.territories.set([territory])
    return {
        "fiche": fiche,
        "survey": survey,
        "invitation": InvitationFactory(territory=territory),
        "membership": MembershipFactory(territory=territory, role=Role.MEMBRE),
        "adhesion": adhesion,
    }


# URL name -> function(own, other) giving the kwargs variants that name the *other* territory's data;
# ``own`` and ``other`` are dicts with "territory" plus what territory_objects() returned. Every
# variant must be a 404 for a person of ``own``. Mixing the own slug with the other's object
# catches views that check the territory but not the object.
TERRITORY_URLS = {
    "members:territory": lambda own, other: [{"slug": other["territory"].slug}],
    "members:invitation_revoke": lambda own, other: [
        {"slug": other["territory"].slug, "invitation_pk": other["invitation"].pk},
        {"slug": own["territory"].slug, "invitation_pk": other["invitation"].pk},
    ],
    "members:membership_role": lambda own, other: [
        {"slug": other["territory"].slug, "membership_pk": other["membership"].pk},
        {"slug": own["territory"].slug, "membership_pk": other["membership"].pk},
    ],
    "members:membership_remove": lambda own, other: [
        {"slug": other["territory"].slug, "membership_pk": other["membership"].pk},
        {"slug": own["territory"].slug, "membership_pk": other["membership"].pk},
    ],
    "members:adhesion": lambda own, other: [{"slug": other["territory"].slug, "year": 2018}],
    "members:adhesion_submit": lambda own, other: [{"slug": other["territory"].slug, "year": 2018}],
    "members:fiche": lambda own, other: [{"slug": other["territory"].slug, "year": 2018}],
    "members:fiche_submit": lambda own, other: [{"slug": other["territory"].slug, "year": 2018}],
    "members:fiche_section": lambda own, other: [
        {"slug": other["territory"].slug, "year": 2018, "section": section["slug"]}
        for section in DEFAULT_QUESTIONNAIRE
    ],
    # A staff page: anyone else, territory people included, gets a 404.
    "members:fiche_review": lambda own, other: [{"pk": other["fiche"].pk}],
    # The other's enquête, with its slug, and with the own slug (the own territory is not asked).
    "members:survey": lambda own, other: [
        {"slug": other["territory"].slug, "pk": other["survey"].pk},
        {"slug": own["territory"].slug, "pk": other["survey"].pk},
    ],
    "members:survey_submit": lambda own, other: [
        {"slug": other["territory"].slug, "pk": other["survey"].pk},
        {"slug": own["territory"].slug, "pk": other["survey"].pk},
    ],
    "members:survey_section": lambda own, other: [
        {"slug": slug, "pk": other["survey"].pk, "section": section["slug"]}
        for slug in (other["territory"].slug, own["territory"].slug)
        for section in TWO_SECTIONS
    ],
    "members:adhesion_call_pdf": lambda own, other: [{"slug": other["territory"].slug, "year": 2018}],
    "members:adhesion_attestation_pdf": lambda own, other: [{"slug": other["territory"].slug, "year": 2018}],
    "members:directory_settings": lambda own, other: [{"slug": other["territory"].slug}],
}

# URL name -> why its keywords do not name a territory's data.
OTHER_URLS = {
    "members:questionnaire_preview": "a staff page; its year names a campaign's questionnaire, no territory's data",
    "members:survey_results": "a staff page (403 for anyone else, like the panorama); its number names a campaign, "
    "whose results span every territory",
    "members:survey_results_csv": "a staff page (403 for anyone else, like the panorama); its number names a campaign, "
    "whose results span every territory",
    "members:survey_results_xlsx": "a staff page (403 for anyone else, like the panorama); its number names a campaign, "
    "whose results span every territory",
    "members:survey_results_pdf": "a staff page (403 for anyone else, like the panorama); its number names a campaign, "
    "whose results span every territory",
    "members:survey_staff": "a staff page (a 404 for anyone else); its number names an enquête, no territory's data",
    "members:survey_preview": "a staff page (a 404 for anyone else); its number names an enquête's questionnaire",
    "members:survey_open": "a staff action (a 404 for anyone else); its number names an enquête",
    "members:survey_remind": "a staff action (a 404 for anyone else); its number names an enquête",
    "members:pending_invitation_accept": "only an invitation sent to a verified address of the person is "
    "found; any other number is a 404 (tests/members/test_year.py)",
    "members:invitation": "the key of an invitation email is the credential by design; it works once and expires",
    "directory:territory": "a member territory's public page, built only from the fields its référent made public",
    "members:join_request_confirm": "the signed token of the confirmation email is the credential by design; it "
    "names a join request, never a territory's data, and expires (tests/members/test_join_requests.py)",
}


def check_unchanged(other) -> None:
    """After every forbidden request, the other territory's objects are as they were."""
    other["invitation"].refresh_from_db()
    assert other["invitation"].revoked_at is None
    other["membership"].refresh_from_db()
    assert other["membership"].role == Role.MEMBRE
    other["fiche"].refresh_from_db()
    assert other["fiche"].answers == {"nom": other["territory"].name} and other["fiche"].version == 1
    assert not other["survey"].responses.exists()
    other["adhesion"].refresh_from_db()
    assert other["adhesion"].status == Adhesion.Status.PAYEE
    assert not DirectoryProfile.objects.filter(territory=other["territory"]).exists()
