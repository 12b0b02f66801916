"""Who may read what of the magazine: the one place for the members-only rule.

A published public issue is open to everyone. A members-only issue shows its table of contents and
chapeaux to everyone, and its full text and PDF only to ANPP staff and to people acting for a
territory whose adhésion is valid (members.selectors.user_is_member).
"""

from anpp_portal import pagecache
from anpp_portal.staffpolicy import acts_as_staff
from members.selectors import user_is_member

from .models import Issue


def _staff_reader(user) -> bool:
    """Staff of the magazine (the group « Équipe ANPP »): previews and members-only texts."""
    return acts_as_staff(user, "publications.view_issue")


def is_member(user) -> bool:
    """Staff, or a person of a member territory. Two queries at most, once per request."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if _staff_reader(user):
        return True
    cached = getattr(user, "_publications_is_member", None)
    if cached is None:
        cached = user_is_member(user)
        user._publications_is_member = cached
    return cached


def can_see_issue(user, issue: Issue) -> bool:
    """Published issues are seen by all; drafts and scheduled issues only by staff (preview)."""
    return issue.is_published or bool(user and user.is_active and _staff_reader(user))


def can_read_full(user, issue: Issue) -> bool:
    """May ``user`` read the full text and download the PDF of ``issue``?"""
    if not can_see_issue(user, issue):
        return False
    return not issue.members_only or is_member(user)


def reader_kind(user) -> str:
    """What of ``user`` the magazine's pages show: logged in or not, member or not, staff preview
    or not (the key of the pages' shared fragments). Whether the person is a member is kept for
    them until a territory's data (adhésions, memberships) changes."""
    if not (user and user.is_authenticated):
        return "000"
    staff = bool(user.is_active and _staff_reader(user))
    member = staff or pagecache.cached_fragment(
        "reader-is-member",
        vary=str(user.pk),
        sections=("territories",),
        render=lambda: "1" if is_member(user) else "",
    )
    return f"1{int(bool(member))}{int(staff)}"
