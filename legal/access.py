"""Who may see a legal question: the people of its territory and ANPP staff, nobody else (a 404 for
anyone else: that a question exists is not told). Who may ask: a person acting for a member
territory (its adhésion is valid)."""

from anpp_portal.staffpolicy import acts_as_staff
from members.permissions import Action, can
from members.selectors import territories_with_valid_adhesion


def is_legal_staff(user, permission: str = "legal.view_question") -> bool:
    """Staff rights on legal questions: the portal's one staff policy (anpp_portal.staffpolicy)."""
    return acts_as_staff(user, permission)


def can_see_question(user, question) -> bool:
    return is_legal_staff(user) or can(user, Action.VIEW, question.territory)


def may_ask_for(user, territory) -> bool:
    """A person acting for ``territory`` (not staff on its behalf), whose adhésion is valid."""
    from members.models import TerritoryMembership

    return (
        TerritoryMembership.objects.filter(user=user, territory=territory).exists()
        and territories_with_valid_adhesion().filter(pk=territory.pk).exists()
    )
