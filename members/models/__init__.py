"""Models of the members app: people and territories (people.py), adhésions (adhesions.py)."""

from .adhesions import (
    Adhesion,
    AdhesionCampaign,
    AdhesionTransition,
    CallNumberSequence,
    FeeBracket,
    FlatFee,
    Payment,
)
from .directory import DirectoryProfile
from .fiches import FicheCampaign, FicheRenseignements
from .people import (
    Department,
    Invitation,
    InvitationQuerySet,
    Role,
    Territory,
    TerritoryMembership,
    User,
    UserManager,
)

__all__ = [
    "Adhesion",
    "AdhesionCampaign",
    "AdhesionTransition",
    "CallNumberSequence",
    "Department",
    "DirectoryProfile",
    "FeeBracket",
    "FicheCampaign",
    "FicheRenseignements",
    "FlatFee",
    "Invitation",
    "InvitationQuerySet",
    "Payment",
    "Role",
    "Territory",
    "TerritoryMembership",
    "User",
    "UserManager",
]
