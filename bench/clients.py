"""The people the in-process bench scripts act as: anonymous, a territory's référent, ANPP staff
(accounts made by `manage.py bench_data`). Import after django.setup()."""

from django.test import Client

from members.models import User


def client_for(email: str | None) -> Client:
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def bench_clients() -> tuple[Client, Client, Client]:
    return client_for(None), client_for("referent0000@bench.test"), client_for("staff@bench.test")
