"""The bucket storage proved against a real S3-compatible server (moto's, started by the test):
private documents land under the private prefix and are handed out by short-lived presigned URLs
only through the view that checks the person; public media (covers) are served too."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from members import services
from members.models import Adhesion

from .members.adhesion_factories import CampaignFactory
from .members.test_adhesions import IN_CAMPAIGN, filled

BASE_DIR = Path(__file__).resolve().parent.parent
PORTS = range(8300, 8310)
BUCKET = "anpp-test"
CREDENTIALS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "eu-west-3"}


def free_port(ports=PORTS) -> int:
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip(f"no free port in {ports.start}-{ports.stop - 1}")


def s3_env(endpoint: str) -> dict:
    return {"S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": endpoint, **CREDENTIALS}


def configured_storages(endpoint: str) -> dict:
    """STORAGES exactly as anpp_portal/settings.py builds them with S3_BUCKET set."""
    code = "import json; from anpp_portal import settings as s; print(json.dumps(s.STORAGES, default=str))"
    env = {**os.environ, **s3_env(endpoint)}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert output.returncode == 0, output.stderr
    return json.loads(output.stdout)


@pytest.fixture(scope="module")
def s3_server():
    moto_server = pytest.importorskip("moto.server")
    import boto3

    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=CREDENTIALS["S3_REGION"],
    )
    # moto keeps its state per process: another test may have made the bucket.
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["S3_REGION"]}
        )
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    settings.STORAGES = configured_storages(s3_server)
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=CREDENTIALS["S3_REGION"],
    )
    return client


def fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the test's own server)
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_an_appel_is_stored_privately_in_the_bucket_and_handed_out_by_an_expiring_presigned_url(
    bucket,
    s3_server,
    settings,
    territory_a,
    referent_a,
    referent_b,
    staff,
    django_capture_on_commit_callbacks,
):
    campaign = CampaignFactory(year=2018)
    draft = services.adhesion_open(territory=territory_a, campaign=campaign, by=referent_a, today=IN_CAMPAIGN)
    filled(draft, referent_a)
    services.adhesion_submit(adhesion=draft, by=referent_a, today=IN_CAMPAIGN)
    with django_capture_on_commit_callbacks(execute=True):
        services.adhesion_validate(adhesion=draft, by=staff)
    adhesion = Adhesion.objects.get(pk=draft.pk)

    # The adhésion's copy of the appel (billing keeps the invoice's own file beside it).
    key = f"private/{adhesion.call_pdf.name}"
    assert key.endswith(f"appel-{adhesion.call_number}.pdf") and key in keys(bucket)
    # The object itself is private: without a signature the bucket refuses it.
    assert fetch(f"{s3_server}/{BUCKET}/{key}")[0] == 403

    url = reverse("members:adhesion_call_pdf", kwargs={"slug": territory_a.slug, "year": 2018})
    other = Client()
    other.force_login(referent_b)
    assert other.get(url).status_code == 404
    client = Client()
    client.force_login(referent_a)
    response = client.get(url)
    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    presigned = response["Location"]
    query = parse_qs(urlsplit(presigned).query)
    assert query["X-Amz-Expires"] == [str(settings.PRIVATE_MEDIA_URL_SECONDS)]
    status, content, headers = fetch(presigned)
    assert status == 200 and content.startswith(b"%PDF")
    assert 'filename="appel-2018-pays-a.pdf"' in headers.get("Content-Disposition", "")

    # The lifetime follows the setting. (moto does not enforce X-Amz-Expires, real S3 does: the
    # test can prove the URL asks for it, not that the server honours it.)
    settings.PRIVATE_MEDIA_URL_SECONDS = 5
    short_lived = parse_qs(urlsplit(client.get(url)["Location"]).query)
    assert short_lived["X-Amz-Expires"] == ["5"] and short_lived["X-Amz-Signature"]


@pytest.mark.django_db
def test_public_media_are_served_from_the_bucket_and_only_them(bucket, s3_server):
    from django.core.files.storage import default_storage

    default_storage.save("publications/covers/couverture.png", ContentFile(b"\x89PNG cover"))
    assert "publications/covers/couverture.png" in keys(bucket)
    response = Client().get("/media/publications/covers/couverture.png")
    assert response.status_code == 302
    status, content, _headers = fetch(response["Location"])
    assert (status, content) == (200, b"\x89PNG cover")
    assert Client().get("/media/publications/pdf/numero.pdf").status_code == 404
