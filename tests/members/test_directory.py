"""The public directory of the member territories, its map and the référent's choice of what it shows."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from members import directory, services
from members.models import Adhesion, DirectoryProfile, FicheRenseignements, Territory
from members.services import NotAllowed

from ..factories import MembershipFactory, StaffFactory, TerritoryFactory, load_departments
from .adhesion_factories import CampaignFactory, make_member
from .fiche_factories import FicheCampaignFactory


def member(slug, *, departments=("16",), region="75", kind=Territory.Kind.PETR, **fields):
    territory = TerritoryFactory(
        slug=slug, name=fields.pop("name", f"Territoire {slug}"), region=region, kind=kind, **fields
    )
    territory.departments.set(load_departments(*departments))
    make_member(territory)
    return territory


def publish(territory, **choices):
    profile, _ = DirectoryProfile.objects.get_or_create(territory=territory)
    for name, value in choices.items():
        setattr(profile, name, value)
    profile.save()


# --- who is listed ---------------------------------------------------------------------------------


def test_only_territories_with_a_valid_adhesion_are_listed(client, db):
    member("ruffecois", name="PETR du Pays Ruffécois")
    lapsed = TerritoryFactory(slug="ancien", name="Pays sans adhésion valide")
    Adhesion.objects.create(
        territory=lapsed,
        campaign=CampaignFactory(year=2015),
        status=Adhesion.Status.PAYEE,
        amount=Decimal("500"),
    )
    submitted = TerritoryFactory(slug="soumis", name="Pays dont l'adhésion est seulement soumise")
    Adhesion.objects.create(
        territory=submitted,
        campaign=CampaignFactory(year=datetime.date.today().year),
        status=Adhesion.Status.SOUMISE,
    )

    body = client.get(reverse("directory:list")).content.decode()

    assert "PETR du Pays Ruffécois" in body
    assert "Pays sans adhésion valide" not in body
    assert "seulement soumise" not in body
    assert client.get(reverse("directory:territory", kwargs={"slug": "ancien"})).status_code == 404
    assert client.get(reverse("directory:territory", kwargs={"slug": "ruffecois"})).status_code == 200


def test_by_default_only_name_kind_region_and_departements_are_public(client, db):
    member(
        "ruffecois",
        name="PETR du Pays Ruffécois",
        population=37533,
        communes_count=88,
        website="http://www.paysduruffecois.com/",
        address="8 rue du Docteur Emile Roux",
        postal_code="16700",
        city="Ruffec",
    )

    for url in (
        reverse("directory:list"),
        reverse("directory:territory", kwargs={"slug": "ruffecois"}),
    ):
        body = client.get(url).content.decode()
        assert "PETR du Pays Ruffécois" in body
        assert "PETR (pôle d&#x27;équilibre territorial et rural)" in body
        assert "Charente (16)" in body
        assert "Nouvelle-Aquitaine" in body
        for private in ("habitants", "37\xa0533", "37533", "paysduruffecois", "Docteur Emile Roux", "16700"):
            assert private not in body, (url, private)


def test_what_the_referent_makes_public_is_shown(client, db):
    territory = member(
        "ruffecois",
        population=37533,
        population_year=2014,
        communes_count=88,
        website="http://www.paysduruffecois.com/",
        address="8 rue du Docteur Emile Roux",
        postal_code="16700",
        city="Ruffec",
    )
    FicheRenseignements.objects.create(
        territory=territory,
        campaign=FicheCampaignFactory(year=2018),
        status=FicheRenseignements.Status.SOUMISE,
        answers={"epci": [{"nom": "CC Val de Charente"}, {"nom": "CC Cœur de Charente"}]},
    )
    referent = MembershipFactory(territory=territory, role="referent").user
    services.directory_profile_update(
        territory=territory,
        by=referent,
        data={
            "show_population": True,
            "show_communes": True,
            "show_epci": True,
            "show_website": True,
            "show_contact": True,
            "contact_email": "Contact@Ruffecois.example",
        },
    )

    body = client.get(reverse("directory:territory", kwargs={"slug": "ruffecois"})).content.decode()

    assert "37\xa0533 habitants (2014)" in body
    assert "<dd>88</dd>" in body
    assert "CC Val de Charente, CC Cœur de Charente" in body
    assert 'href="http://www.paysduruffecois.com/"' in body
    assert "8 rue du Docteur Emile Roux<br>16700 Ruffec" in body
    assert "mailto:contact@ruffecois.example" in body


def test_only_the_referent_or_staff_may_change_what_is_public(db):
    territory = member("ruffecois")
    colleague = MembershipFactory(territory=territory, role="membre").user
    other_referent = MembershipFactory(role="referent").user

    for person in (colleague, other_referent):
        with pytest.raises(NotAllowed):
            services.directory_profile_update(territory=territory, by=person, data={"show_population": True})
    assert not DirectoryProfile.objects.filter(territory=territory).exists()


# --- filters ---------------------------------------------------------------------------------------


@pytest.fixture
def three_members(db):
    return [
        member("charente", name="Pays charentais", departments=("16",), region="75"),
        member(
            "gers",
            name="Pays gersois",
            departments=("32",),
            region="76",
            kind=Territory.Kind.POLE_TERRITORIAL,
        ),
        member(
            "basque",
            name="Codev basque",
            departments=("64",),
            region="75",
            kind=Territory.Kind.CONSEIL_DEVELOPPEMENT,
        ),
    ]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", {"Pays charentais", "Pays gersois", "Codev basque"}),
        ("region=75", {"Pays charentais", "Codev basque"}),
        ("departement=32", {"Pays gersois"}),
        ("nature=conseil_developpement", {"Codev basque"}),
        ("region=75&nature=petr", {"Pays charentais"}),
        ("region=76&departement=16", set()),
    ],
)
def test_the_directory_filters_by_region_departement_and_kind(client, three_members, query, shown):
    body = client.get(f"{reverse('directory:list')}?{query}").content.decode()
    listed = {name for name in ("Pays charentais", "Pays gersois", "Codev basque") if f">{name}</a>" in body}
    assert listed == shown


def test_an_unknown_filter_value_is_refused_next_to_its_field_and_everything_is_listed(client, three_members):
    response = client.get(reverse("directory:list"), {"departement": "99"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ce choix ne correspond à aucun territoire membre" in body
    assert all(f">{name}</a>" in body for name in ("Pays charentais", "Pays gersois", "Codev basque"))


def test_the_filters_offer_only_values_some_member_has(client, three_members):
    choices = directory.filter_choices()
    assert [code for code, _ in choices["departments"]] == ["16", "32", "64"]
    assert [code for code, _ in choices["regions"]] == ["75", "76"]


# --- the map ---------------------------------------------------------------------------------------


def test_the_map_highlights_the_departements_of_member_territories_and_lists_them(client, three_members):
    TerritoryFactory(slug="non-membre").departments.set(load_departments("33"))

    body = client.get(reverse("directory:map")).content.decode()

    assert body.count("<path ") == 96
    for code in ("16", "32", "64"):
        assert f'france-map__dept france-map__dept--member" data-code="{code}"' in body
        assert f'<li data-code="{code}">' in body
    assert 'france-map__dept" data-code="33"' in body
    assert body.count('france-map__dept--member"') == 3
    assert 'Charente (16)</strong> : <a href="/annuaire/charente/">Pays charentais</a>' in body
    assert "CC BY 4.0" in body


def test_the_map_follows_the_filters_and_lists_overseas_departements_apart(client, three_members):
    member("guadeloupe", name="Territoire ultramarin exemple", departments=("971",), region="01")

    body = client.get(reverse("directory:map"), {"region": "01"}).content.decode()

    assert 'france-map__dept--member"' not in body
    assert "Outre-mer (non représenté sur la carte)" in body
    assert "Guadeloupe (971)" in body


def test_the_directory_and_map_make_the_same_number_of_queries_for_3_or_30_members(
    client, three_members, django_assert_max_num_queries
):
    for territory in three_members:
        publish(territory, show_epci=True, show_population=True)
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:list"))
    for index in range(27):
        territory = member(f"pays-{index}", departments=(f"{index + 10:02d}",))
        publish(territory, show_epci=True, show_population=True)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("directory:list")).content.decode().count("directory-card") == 30
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:map"))


# --- the référent's settings page ------------------------------------------------------------------


def test_the_referent_chooses_the_public_fields_from_the_territory_space(client, db):
    territory = member("ruffecois", population=37533, website="http://www.paysduruffecois.com/")
    referent = MembershipFactory(territory=territory, role="referent").user
    client.force_login(referent)

    space = client.get(reverse("members:territory", kwargs={"slug": "ruffecois"})).content.decode()
    settings_url = reverse("members:directory_settings", kwargs={"slug": "ruffecois"})
    assert f'href="{settings_url}"' in space
    page = client.get(settings_url).content.decode()
    assert "Actuellement : 37\xa0533 habitants" in page

    response = client.post(settings_url, {"show_website": "on", "contact_email": "contact@ruffecois.example"})

    assert response.status_code == 302
    profile = DirectoryProfile.objects.get(territory=territory)
    assert (profile.show_website, profile.show_population, profile.updated_by) == (True, False, referent)


def test_a_bad_contact_email_is_refused_next_to_the_field_and_the_choices_are_kept(client, db):
    territory = member("ruffecois")
    client.force_login(MembershipFactory(territory=territory, role="referent").user)

    response = client.post(
        reverse("members:directory_settings", kwargs={"slug": "ruffecois"}),
        {"show_website": "on", "show_population": "on", "contact_email": "pas-une-adresse"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse email valide, par exemple contact@pays.fr." in body
    assert 'value="pas-une-adresse"' in body
    assert 'name="show_website" id="id_show_website" checked' in body
    assert not DirectoryProfile.objects.filter(territory=territory).exists()


def test_a_member_who_is_not_referent_does_not_see_the_link_nor_the_page(client, db):
    territory = member("ruffecois")
    client.force_login(MembershipFactory(territory=territory, role="membre").user)
    settings_url = reverse("members:directory_settings", kwargs={"slug": "ruffecois"})

    assert (
        settings_url
        not in client.get(reverse("members:territory", kwargs={"slug": "ruffecois"})).content.decode()
    )
    assert client.get(settings_url).status_code == 404


def test_staff_correct_a_territorys_choices_in_the_admin(client, db):

    territory = member("ruffecois", population=37533)
    staff = StaffFactory()
    client.force_login(staff)

    response = client.post(
        reverse("admin:members_directoryprofile_add"),
        {"territory": territory.pk, "show_population": "on", "contact_email": ""},
    )

    assert response.status_code == 302
    profile = DirectoryProfile.objects.get(territory=territory)
    assert (profile.show_population, profile.show_website, profile.updated_by) == (True, False, staff)
    assert (
        "37\xa0533 habitants"
        in Client().get(reverse("directory:territory", kwargs={"slug": "ruffecois"})).content.decode()
    )
