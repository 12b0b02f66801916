"""Issue 23, findings 4 and 5: join requests cannot be used to send ANPP-signed text to anyone, reach
staff only once the requester confirmed their address, answer the same whatever the SIREN, and staff
compare competing requests for one SIREN before accepting one."""

import re
import time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from members import services
from members.models import JoinRequest, Territory

from ..factories import StaffFactory, load_departments
from .test_year import confirm_by_the_emailed_link, deliver, join_data

pytestmark = pytest.mark.django_db
SPAM = {
    "territory_name": "Gagnez un iPhone sur http://arnaque.example",
    "first_name": "Cliquez",
    "last_name": "Vite",
    "function": "Offre limitée",
}


@pytest.fixture(autouse=True)
def _links_on_the_test_server(settings):
    settings.SITE_URL = "http://testserver"
    load_departments("16")


def _post(client, **overrides):
    return client.post(reverse("members:join_request"), join_data(**overrides))


def _confirmed(client, send_outbox, **overrides) -> JoinRequest:
    before = set(JoinRequest.objects.values_list("pk", flat=True))
    assert _post(client, **overrides).status_code == 302
    [confirmation] = deliver(send_outbox)
    confirm_by_the_emailed_link(client, confirmation)
    deliver(send_outbox)
    return JoinRequest.objects.exclude(pk__in=before).get()


def test_twenty_requests_from_one_connection_send_five_emails_then_an_error_at_the_field(client, send_outbox):
    answers = [_post(client, email=f"victime{n}@exemple.fr", **SPAM) for n in range(20)]
    assert [answer.status_code for answer in answers] == [302] * 5 + [200] * 15
    content = answers[-1].content.decode()
    assert "Trop de demandes d&#x27;adhésion depuis votre connexion" in content
    assert 'aria-invalid="true"' in content and 'value="victime19@exemple.fr"' in content
    assert JoinRequest.objects.count() == 5
    assert len(deliver(send_outbox)) == 5


def test_one_address_gets_three_requests_a_day_whatever_the_connection(send_outbox):
    answers = [_post(Client(REMOTE_ADDR=f"198.51.100.{n}"), email="cible@exemple.fr") for n in range(1, 6)]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 200, 200]
    assert len(deliver(send_outbox)) == 3


def test_the_confirmation_email_repeats_nothing_the_requester_typed(client, send_outbox):
    _post(client, email="victime@exemple.fr", **SPAM)
    [confirmation] = deliver(send_outbox)
    assert confirmation.to == ["victime@exemple.fr"]
    texts = [
        confirmation.subject,
        confirmation.body,
        *(content for content, _type in confirmation.alternatives),
    ]
    for typed in [*SPAM.values(), "arnaque", "iPhone", "200070498", "200 070 498", "41 250", "41250"]:
        assert all(typed not in text for text in texts), typed
    assert re.search(r"http://testserver/adherer/demande/confirmer/[^/\s]+/", confirmation.body)


def test_an_unconfirmed_request_does_not_reach_staff(client, send_outbox):
    _post(client, **SPAM)
    join = JoinRequest.objects.get()
    staff = StaffFactory()
    staff_client = Client()
    staff_client.force_login(staff)
    listing = staff_client.get(reverse("admin:members_joinrequest_changelist"))
    assert listing.context["cl"].result_count == 0 and "arnaque" not in listing.content.decode()
    assert staff_client.get(reverse("admin:members_joinrequest_change", args=[join.pk])).status_code == 302
    home = {item.kind: item for item in staff_client.get(reverse("backoffice:home")).context["items"]}
    assert home["join-requests"].count == 0
    with pytest.raises(services.JoinRequestError):
        services.join_request_approve(join_request=join, by=staff)
    assert not Territory.objects.exists()


def test_the_link_confirms_once_and_a_forged_or_expired_link_is_refused(client, send_outbox, monkeypatch):
    _post(client)
    [confirmation] = deliver(send_outbox)
    path = re.search(r"http://testserver(/adherer/demande/confirmer/[^/\s]+/)", confirmation.body).group(1)
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    refused = client.post(forged)
    assert refused.status_code == 404 and "n&#x27;est pas valable ou a expiré" in refused.content.decode()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 8 * 86400)
    assert client.post(path).status_code == 404  # a week and a day later
    monkeypatch.setattr(time, "time", real_time)
    assert JoinRequest.objects.get().status == JoinRequest.Status.UNCONFIRMED
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200  # followed twice (a mail scanner, a double click)
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING
    assert len(deliver(send_outbox)) == 1  # one receipt


def test_the_first_requester_for_a_siren_does_not_block_the_real_one(client, send_outbox):
    first = _confirmed(client, send_outbox, email="premier@exemple.fr", territory_name="Pays usurpé (fictif)")
    real = _confirmed(Client(), send_outbox, email="direction@vrai-pays.fr")
    assert first.siren == real.siren and first.status == real.status == JoinRequest.Status.PENDING


def test_staff_compare_competing_requests_side_by_side_before_accepting(client, send_outbox):
    first = _confirmed(client, send_outbox, email="premier@exemple.fr", territory_name="Pays usurpé (fictif)")
    real = _confirmed(Client(), send_outbox, email="direction@vrai-pays.fr")
    staff_client = Client()
    staff_client.force_login(StaffFactory())

    home = {item.kind: item for item in staff_client.get(reverse("backoffice:home")).context["items"]}
    assert home["join-requests-contested"].count == 2
    assert staff_client.get(home["join-requests-contested"].url).context["cl"].result_count == 2

    page = staff_client.get(reverse("admin:members_joinrequest_change", args=[real.pk])).content.decode()
    assert "Plusieurs demandes nomment ce SIREN" in page
    assert "premier@exemple.fr" in page and "direction@vrai-pays.fr" in page
    assert "Pays usurpé (fictif)" in page

    url = reverse("admin:members_joinrequest_changelist")
    shown = staff_client.post(url, {"action": "approve", ACTION_CHECKBOX_NAME: [real.pk]})
    content = shown.content.decode()
    assert shown.status_code == 200 and "Avant d'accepter" in content
    assert "premier@exemple.fr" in content and "direction@vrai-pays.fr" in content
    assert not Territory.objects.exists()  # nothing accepted before the comparison was seen

    staff_client.post(url, {"action": "approve", "apply": "1", ACTION_CHECKBOX_NAME: [real.pk]})
    real.refresh_from_db()
    first.refresh_from_db()
    assert real.status == JoinRequest.Status.APPROVED and first.status == JoinRequest.Status.PENDING
    assert Territory.objects.get().name == real.territory_name


def test_a_request_for_a_registered_siren_is_flagged_to_staff_and_cannot_be_accepted(
    client, send_outbox, territory_a
):
    join = _confirmed(client, send_outbox, siren=territory_a.siren)
    staff = StaffFactory()
    staff_client = Client()
    staff_client.force_login(staff)
    page = staff_client.get(reverse("admin:members_joinrequest_change", args=[join.pk])).content.decode()
    assert "Un territoire inscrit a déjà ce SIREN" in page and territory_a.name in page
    with pytest.raises(services.TerritoryAlreadyRegistered):
        services.join_request_approve(join_request=join, by=staff)


def test_requests_never_confirmed_are_deleted_once_their_link_has_expired(client, send_outbox):
    from datetime import timedelta

    from django.utils import timezone

    from members.tasks import purge_unconfirmed_join_requests

    _post(client, email="jamais@exemple.fr", **SPAM)
    deliver(send_outbox)
    confirmed = _confirmed(client, send_outbox, email="direction@vrai-pays.fr")
    assert purge_unconfirmed_join_requests.delay().get() == 0  # its link still works
    JoinRequest.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert purge_unconfirmed_join_requests.delay().get() == 1
    assert list(JoinRequest.objects.all()) == [confirmed]
