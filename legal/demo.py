"""Demo data of the legal questions service: one question of the demo's PETR, visibly fictional
("Exemple fictif"), with a reply from the demo's staff account, to try the thread and the queue.
Idempotent: the question is found again by its subject. The Q&A base's real entries are loaded by
resources/demo.py from the first issue."""

from members.demo import REFERENT_RUFFECOIS, STAFF
from members.models import Territory, User

from . import services
from .models import Question

SUBJECT = "Exemple fictif : mutualiser un poste entre le PETR et une communauté de communes"


def load() -> list:
    territory = Territory.objects.filter(slug="pays-ruffecois").first()
    asker = User.objects.filter(email=REFERENT_RUFFECOIS.email).first()
    staff = User.objects.filter(email=STAFF.email).first()
    if territory is None or asker is None or Question.objects.filter(subject=SUBJECT).exists():
        return []
    question = services.question_ask(
        territory=territory,
        user=asker,
        subject=SUBJECT,
        text="Exemple fictif, écrit pour la démonstration du portail : peut-on partager un poste de "
        "chargé de mission entre le PETR et une communauté de communes membre ?",
    )
    if staff is not None:
        services.message_add(
            question=question,
            author=staff,
            from_staff=True,
            text="Exemple fictif de réponse, écrit pour la démonstration : ce fil montre comment l'équipe répond.",
        )
    return []
