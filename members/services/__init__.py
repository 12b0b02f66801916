"""Every state change of the members app: people and territories (people.py), adhésions (adhesions.py)."""

from .adhesions import *  # noqa: F403
from .adhesions import __all__ as _adhesions_all
from .directory import PUBLIC_CHOICES, directory_profile_of, directory_profile_update
from .fiches import *  # noqa: F403
from .fiches import __all__ as _fiches_all
from .joins import *  # noqa: F403
from .joins import __all__ as _joins_all
from .people import (
    AlreadyMember,
    InvitationForSomeoneElse,
    InvitationUnusable,
    LastReferent,
    MembersError,
    NotAllowed,
    invitation_accept,
    invitation_create,
    invitation_find,
    invitation_revoke,
    invitation_url,
    membership_remove,
    membership_set_role,
)
from .questionnaire import *  # noqa: F403
from .questionnaire import __all__ as _questionnaire_all
from .surveys import *  # noqa: F403
from .surveys import __all__ as _surveys_all

__all__ = [
    "AlreadyMember",
    "InvitationForSomeoneElse",
    "InvitationUnusable",
    "LastReferent",
    "MembersError",
    "NotAllowed",
    "PUBLIC_CHOICES",
    "directory_profile_of",
    "directory_profile_update",
    "invitation_accept",
    "invitation_create",
    "invitation_find",
    "invitation_revoke",
    "invitation_url",
    "membership_remove",
    "membership_set_role",
    *_adhesions_all,
    *_fiches_all,
    *_questionnaire_all,
    *_joins_all,
    *_surveys_all,
]
