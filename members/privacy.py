"""Personal data of the members app, for a person's export and for the erasure of their account."""

from allauth.account.models import EmailAddress

from anpp_portal import pagecache
from anpp_portal.models import OutboundEmail
from anpp_portal.staffpolicy import is_staff_account

from .models import (
    AdhesionTransition,
    FicheRenseignements,
    ImportedPerson,
    Invitation,
    JoinRequest,
    Role,
    SurveyResponse,
    TerritoryMembership,
)

ERASED_ADDRESS = "compte-supprime@anonyme.invalid"


def personal_data(user) -> dict:
    return {
        "compte": {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "inscrit_le": user.date_joined.isoformat(),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
            "equipe_anpp": is_staff_account(user),
        },
        "adresses_email": [
            {"email": a.email, "verifiee": a.verified, "principale": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "territoires": [
            {
                "territoire": m.territory.name,
                "role": m.get_role_display(),
                "fonction": m.function,
                "depuis": m.created_at.isoformat(),
            }
            for m in TerritoryMembership.objects.filter(user=user).select_related("territory")
        ],
        "invitations_acceptees": [
            {"territoire": i.territory.name, "acceptee_le": i.accepted_at.isoformat()}
            for i in Invitation.objects.filter(accepted_by=user).select_related("territory")
        ],
        "invitations_envoyees": [
            {"territoire": i.territory.name, "email": i.email, "envoyee_le": i.created_at.isoformat()}
            for i in Invitation.objects.filter(invited_by=user).select_related("territory")
        ],
        "actions_sur_les_adhesions": [
            {
                "territoire": t.adhesion.territory.name,
                "annee": t.adhesion.campaign.year,
                "statut": t.get_to_status_display(),
                "le": t.at.isoformat(),
                "message": t.message,
            }
            for t in AdhesionTransition.objects.filter(by=user).select_related(
                "adhesion__territory", "adhesion__campaign"
            )
        ],
        "fiches_modifiees": [
            {"territoire": f.territory.name, "annee": f.campaign.year, "le": f.updated_at.isoformat()}
            for f in FicheRenseignements.objects.filter(updated_by=user).select_related(
                "territory", "campaign"
            )
        ],
        # A survey asked of every person: the person's own answers.
        "reponses_personnelles_aux_enquetes": [
            {
                "enquete": str(r.campaign),
                "territoire": r.territory.name,
                "statut": r.get_status_display(),
                "reponses": r.answers,
                "le": r.updated_at.isoformat(),
            }
            for r in SurveyResponse.objects.filter(person=user).select_related("territory", "campaign")
        ],
        "demandes_d_adhesion": [
            {
                "territoire": j.territory_name,
                "prenom": j.first_name,
                "nom": j.last_name,
                "fonction": j.function,
                "statut": j.get_status_display(),
                "recue_le": j.created_at.isoformat(),
            }
            for j in JoinRequest.objects.filter(email__iexact=user.email)
        ],
        "listes_importees_par_l_anpp": [
            {
                "territoire": p.territory.name,
                "prenom": p.first_name,
                "nom": p.last_name,
                "fonction": p.function,
                "role": p.get_role_display(),
                "importee_le": p.created_at.isoformat(),
            }
            for p in ImportedPerson.objects.filter(email__iexact=user.email).select_related("territory")
        ],
        "emails_recus": [
            {"objet": e.subject, "cree_le": e.created_at.isoformat(), "statut": e.get_status_display()}
            for e in OutboundEmail.objects.filter(to__iexact=user.email)
        ],
    }


def blocking_reasons(user) -> list[str]:
    """Why the account cannot be deleted yet (a territory must keep a référent)."""
    reasons = []
    for membership in TerritoryMembership.objects.filter(user=user, role=Role.REFERENT).select_related(
        "territory"
    ):
        others = TerritoryMembership.objects.filter(
            territory=membership.territory, role=Role.REFERENT
        ).exclude(user=user)
        if not others.exists():
            reasons.append(
                f"Vous êtes le seul référent de {membership.territory.name} : désignez d'abord un autre référent."
            )
    return reasons


def erase(user) -> None:
    """What must outlive the account is kept without the person: emails sent to them lose address and body."""
    OutboundEmail.objects.filter(to__iexact=user.email).update(
        to=ERASED_ADDRESS, subject="[effacé]", body_text="", body_html="", headers={}, attachments=[]
    )
    Invitation.objects.filter(email__iexact=user.email).update(email=ERASED_ADDRESS)
    JoinRequest.objects.filter(email__iexact=user.email).update(
        email=ERASED_ADDRESS, first_name="[effacé]", last_name="[effacé]", function=""
    )
    # The ANPP's spreadsheets listed the person: the line goes with the account.
    ImportedPerson.objects.filter(email__iexact=user.email).delete()
    pagecache.invalidate("members")  # the territory space lists pending invitations by address
