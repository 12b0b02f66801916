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
from .imports import ImportBatch, ImportedPerson
from .joins import JoinRequest
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
from .questionnaire import Question, QuestionnaireSection

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
    "ImportBatch",
    "ImportedPerson",
    "Invitation",
    "InvitationQuerySet",
    "JoinRequest",
    "Payment",
    "Question",
    "QuestionnaireSection",
    "Role",
    "Territory",
    "TerritoryMembership",
    "User",
    "UserManager",
]
