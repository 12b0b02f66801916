import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse

from members.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _failures_allowed() -> int:
    # "20/m/ip,5/5m/key": the per-account limit is the one a password-guesser meets first.
    key_rule = [
        rule for rule in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",") if rule.endswith("/key")
    ]
    return int(key_rule[0].split("/")[0])


def test_signup_asks_for_names_and_sends_a_verification_email_before_any_login(client, send_outbox):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Claire",
            "last_name": "Martin",
            "email": "claire.martin@pays.fr",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="claire.martin@pays.fr")
    assert (user.first_name, user.last_name) == ("Claire", "Martin")
    assert not EmailAddress.objects.get(user=user).verified
    [message] = send_outbox()
    assert message.to == ["claire.martin@pays.fr"]
    assert re.search(r"/comptes/confirm-email/[^/\s]+/", message.body)
    # Verification is mandatory: no session until the address is confirmed.
    assert "_auth_user_id" not in client.session


def test_signup_errors_are_in_french_next_to_the_fields_and_keep_the_input(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Claire",
            "last_name": "",
            "email": "pas-une-adresse",
            "password1": "a",
            "password2": "b",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Ce champ est obligatoire" in content
    assert "Saisissez une adresse de courriel valide" in content
    assert 'aria-invalid="true"' in content
    assert 'value="Claire"' in content and 'value="pas-une-adresse"' in content


def test_login_is_refused_with_429_after_the_configured_failures(client):
    user = UserFactory()
    allowed = _failures_allowed()
    for _ in range(allowed):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "mauvais"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": user.email, "password": "mauvais"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    # Even the right password is refused while the limit holds.
    assert (
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 429
    )


def test_the_admin_login_goes_through_allauth_and_its_rate_limit(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    staff = UserFactory(is_staff=True)
    # Django's own admin login form is not reachable: a POST to it is sent to allauth too.
    direct = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert direct.status_code == 302 and direct["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    login_url = response["Location"]
    for _ in range(_failures_allowed()):
        client.post(login_url, {"login": staff.email, "password": "mauvais"})
    assert client.post(login_url, {"login": staff.email, "password": "mauvais"}).status_code == 429


def test_password_reset_does_not_reveal_whether_an_account_exists(client, send_outbox):
    UserFactory(email="connu@pays.fr")
    known = client.post(reverse("account_reset_password"), {"email": "connu@pays.fr"})
    unknown = client.post(reverse("account_reset_password"), {"email": "inconnu@pays.fr"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    sent = {m.to[0]: m for m in send_outbox()}
    assert "/comptes/password/reset/key/" in sent["connu@pays.fr"].body
    assert "/password/reset/key/" not in sent["inconnu@pays.fr"].body


def test_a_password_change_is_notified_by_email(client, send_outbox):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "un autre mot de passe", "password2": "un autre mot de passe"},
    )
    assert response.status_code == 302
    assert any(m.to == [user.email] for m in send_outbox())


def test_account_pages_are_in_french_in_the_site_look(client):
    content = client.get(reverse("account_login")).content.decode()
    assert '<html lang="fr">' in content
    assert "Aller au contenu" in content and "Connexion" in content
    assert 'href="/static/css/portal.css"' in content


def test_staff_without_two_factor_authentication_see_a_banner_until_they_enable_it(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert "Activer la double authentification" in client.get("/").content.decode()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert "Activer la double authentification" not in client.get("/").content.decode()


def test_territory_people_are_not_nagged_about_two_factor_authentication(client):
    client.force_login(UserFactory())
    assert "Activer la double authentification" not in client.get("/").content.decode()


def test_two_factor_authentication_is_offered_to_every_account(client):
    user = UserFactory()
    client.force_login(user)
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200 and reverse("mfa_activate_totp") in index.content.decode()
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before showing the QR code.
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
