"""Who may read what of the notes library and the Q&A base: the one place for these rules.

A published public note is open to everyone; a members-only one shows its title and summary to
everyone and its body and files only to ANPP staff and to people acting for a territory whose
adhésion is valid. The Q&A base is for members only. Drafts and scheduled notes are staff previews.
"""

from anpp_portal.staffpolicy import acts_as_staff
from members.selectors import user_is_member


def is_resources_staff(user, permission: str = "resources.view_note") -> bool:
    """Staff rights on notes: the portal's one staff policy (anpp_portal.staffpolicy, TOTP included)."""
    return acts_as_staff(user, permission)


def is_member(user) -> bool:
    """Staff, or a person of a member territory; asked once per request."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if is_resources_staff(user):
        return True
    cached = getattr(user, "_resources_is_member", None)
    if cached is None:
        cached = user_is_member(user)
        user._resources_is_member = cached
    return cached


def can_see_note(user, note) -> bool:
    return note.is_published or is_resources_staff(user)


def can_read_note(user, note) -> bool:
    """May ``user`` read the body and download the files of ``note``?"""
    if not can_see_note(user, note):
        return False
    return not note.members_only or is_member(user)
