"""What a territory shows in the public directory: chosen by its référent (or ANPP staff)."""

from django.db import transaction

from ..models import DirectoryProfile, Territory
from ..permissions import Action, can
from .people import NotAllowed

PUBLIC_CHOICES = ("show_population", "show_communes", "show_epci", "show_website", "show_contact")


def directory_profile_of(*, territory: Territory) -> DirectoryProfile:
    """The territory's choices; by default nothing beyond its name, kind and départements is public."""
    return DirectoryProfile.objects.filter(territory=territory).first() or DirectoryProfile(
        territory=territory
    )


@transaction.atomic
def directory_profile_update(*, territory: Territory, by, data: dict) -> DirectoryProfile:
    """Record what ``territory`` makes public. The cached directory, map and territory pages change
    at once: saving the profile moves the page cache's ``directory`` generation on."""
    if not can(by, Action.MANAGE_DIRECTORY, territory):
        raise NotAllowed("Seul le référent du territoire choisit ce que l'annuaire en montre.")
    profile = DirectoryProfile.objects.select_for_update().filter(territory=territory).first()
    profile = profile or DirectoryProfile(territory=territory)
    for name in PUBLIC_CHOICES:
        setattr(profile, name, bool(data.get(name)))
    profile.contact_email = (data.get("contact_email") or "").strip().lower()
    profile.updated_by = by
    profile.full_clean()
    profile.save()
    return profile
