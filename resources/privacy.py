"""Personal data of the notes library: the themes a person follows and their last visit of the notes.
Both go with the account (cascade)."""

from .models import NotesVisit, ThemeFollow


def personal_data(user) -> dict:
    visit = NotesVisit.objects.filter(user=user).first()
    return {
        "themes_suivis": [
            {"theme": f.theme.name, "depuis_le": f.created_at.isoformat()}
            for f in ThemeFollow.objects.filter(user=user).select_related("theme")
        ],
        "derniere_visite_des_notes": visit.seen_at.isoformat() if visit else None,
    }


def erase(user) -> None:
    ThemeFollow.objects.filter(user=user).delete()
    NotesVisit.objects.filter(user=user).delete()
