"""Models of the members app: people and territories (people.py), adhésions (adhesions.py)."""

from .adhesions import (
    Adhesion,
    AdhesionCampaign,
    AdhesionTransition,
    FeeBracket,
    FlatFee,
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
from .surveys import Survey, SurveyResponse

__all__ = [
    "Adhesion",
    "AdhesionCampaign",
    "AdhesionTransition",
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
    "Question",
    "QuestionnaireSection",
    "Role",
    "Survey",
    "SurveyResponse",
    "Territory",
    "TerritoryMembership",
    "User",
    "UserManager",
]
