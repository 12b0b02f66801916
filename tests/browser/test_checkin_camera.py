"""Check-in at the door with the phone's camera: Chromium's fake camera plays a video of a
participant's QR code (a .y4m written here from segno's image with Pillow); the page, 390 px wide,
reads it with the vendored jsQR and shows the person present for the day, then "déjà pointé"."""

import io

import segno
from django.conf import settings
from django.test import Client
from PIL import Image

from events import qr, services
from events.models import Attendance

from ..events.factories import EventFactory
from ..events.helpers import person
from ..factories import MembershipFactory, StaffFactory, TerritoryFactory
from .conftest import CHROMIUM, CHROMIUM_ARGS

WIDTH, HEIGHT = 640, 480


def write_y4m(path, image: Image.Image, frames: int = 15) -> None:
    """A YUV4MPEG2 video (4:2:0) of ``image`` centred on white, ``frames`` identical frames."""
    canvas = Image.new("L", (WIDTH, HEIGHT), 255)
    canvas.paste(image, ((WIDTH - image.width) // 2, (HEIGHT - image.height) // 2))
    luma = canvas.tobytes()
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)  # grey: no colour
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma + chroma)


def qr_image(code: str) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=6, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def test_a_participants_qr_code_shown_to_the_camera_checks_them_in_for_the_day(
    browser, live_server, transactional_db, tmp_path
):
    territory = TerritoryFactory(name="PETR Pays Portes de Gascogne")
    referent = MembershipFactory(territory=territory, role="referent").user
    event = EventFactory(title="RTPP 2026 Fleurance et Toulouse", slug="rtpp-2026")
    day1, day2 = event.days.order_by("date")
    data = person(0, event)
    data.first_name, data.last_name, data.email = "Anne", "Rivière", "anne.riviere@gascogne.fr"
    participant = services.registration_create(
        event=event, by=referent, territory=territory, participants=[data]
    ).confirmed[0]
    video = tmp_path / "qr.y4m"
    write_y4m(video, qr_image(qr.code_for(participant)))

    staff = StaffFactory()
    client = Client()
    client.force_login(staff)
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = camera_browser.new_context(
            locale="fr-FR",
            base_url=live_server.url,
            viewport={"width": 390, "height": 844},
            permissions=["camera"],
        )
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"/evenements/{event.slug}/gestion/pointage/{day1.pk}/")
        answer = page.locator(".scan-answer")
        page.locator('.scan-answer[data-state="present"]').wait_for()
        assert "Présent·e" in answer.inner_text() and "Anne Rivière" in answer.inner_text()
        assert "PETR Pays Portes de Gascogne" in answer.inner_text()
        attendance = Attendance.objects.get(participant=participant)
        assert attendance.day == day1 and attendance.checked_in_by == staff
        # The code is still in front of the camera: the next reading says it was already done.
        page.locator('.scan-answer[data-state="already"]').wait_for()
        assert "Déjà pointé·e à" in answer.inner_text()
        assert Attendance.objects.filter(participant=participant).count() == 1
        # Nothing of the page is wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "checkin-390.png"), full_page=True)

        # The same code on the second day, for which the person is not registered.
        participant.days.set([day1])
        page.goto(f"/evenements/{event.slug}/gestion/pointage/{day2.pk}/")
        page.locator('.scan-answer[data-state="not_today"]').wait_for()
        assert "Pas inscrit·e ce jour" in answer.inner_text()
        context.close()
    finally:
        camera_browser.close()
