"""How the members app's URLs name a territory's data, for tests/test_territory_isolation.py."""

from members.models import Role

from ..factories import InvitationFactory, MembershipFactory


def territory_objects(territory) -> dict:
    """Objects of ``territory`` that URLs can name."""
    return {
        "invitation": InvitationFactory(territory=territory),
        "membership": MembershipFactory(territory=territory, role=Role.MEMBRE),
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
}

# URL name -> why its keywords do not name a territory's data.
OTHER_URLS = {
    "members:invitation": "the key of an invitation email is the credential by design; it works once and expires",
}


def check_unchanged(other) -> None:
    """After every forbidden request, the other territory's objects are as they were."""
    other["invitation"].refresh_from_db()
    assert other["invitation"].revoked_at is None
    other["membership"].refresh_from_db()
    assert other["membership"].role == Role.MEMBRE
