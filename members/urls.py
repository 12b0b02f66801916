from django.urls import path

from . import directory_views, views, views_join, views_results, views_surveys

app_name = "members"

urlpatterns = [
    path("adherer/", views_join.join, name="join"),
    path("adherer/demande/", views_join.join_request, name="join_request"),
    path("adherer/demande/envoyee/", views_join.join_request_sent, name="join_request_sent"),
    path(
        "adherer/demande/confirmer/<str:token>/", views_join.join_request_confirm, name="join_request_confirm"
    ),
    path("territoire/", views.space, name="space"),
    path("territoire/<slug:slug>/", views.territory_detail, name="territory"),
    path(
        "territoire/<slug:slug>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "territoire/<slug:slug>/personnes/<int:membership_pk>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "territoire/<slug:slug>/personnes/<int:membership_pk>/retirer/",
        views.membership_remove,
        name="membership_remove",
    ),
    path("territoire/<slug:slug>/adhesion/<int:year>/", views.adhesion, name="adhesion"),
    path(
        "territoire/<slug:slug>/adhesion/<int:year>/soumettre/", views.adhesion_submit, name="adhesion_submit"
    ),
    path(
        "territoire/<slug:slug>/adhesion/<int:year>/appel.pdf",
        views.adhesion_document,
        {"document": "appel"},
        name="adhesion_call_pdf",
    ),
    path(
        "territoire/<slug:slug>/adhesion/<int:year>/attestation.pdf",
        views.adhesion_document,
        {"document": "attestation"},
        name="adhesion_attestation_pdf",
    ),
    path("invitation/<str:key>/", views.invitation, name="invitation"),
    path("territoire/<slug:slug>/annuaire/", directory_views.directory_settings, name="directory_settings"),
    path("invitations/", views.pending_invitations, name="pending_invitations"),
    path("invitations/<int:pk>/accepter/", views.pending_invitation_accept, name="pending_invitation_accept"),
    path("territoire/<slug:slug>/fiche/<int:year>/", views.fiche, name="fiche"),
    path("territoire/<slug:slug>/fiche/<int:year>/soumettre/", views.fiche_submit, name="fiche_submit"),
    path(
        "territoire/<slug:slug>/fiche/<int:year>/<slug:section>/", views.fiche_section, name="fiche_section"
    ),
    path("territoire/<slug:slug>/enquete/<int:pk>/", views_surveys.survey, name="survey"),
    path(
        "territoire/<slug:slug>/enquete/<int:pk>/soumettre/",
        views_surveys.survey_submit,
        name="survey_submit",
    ),
    path(
        "territoire/<slug:slug>/enquete/<int:pk>/<slug:section>/",
        views_surveys.survey_section,
        name="survey_section",
    ),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("compte/supprimer/", views.delete_account, name="delete_account"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("tableau-de-bord/panorama/", views.panorama, name="panorama"),
    path("tableau-de-bord/relancer/", views.staff_remind, name="staff_remind"),
    path(
        "tableau-de-bord/questionnaire/<int:year>/apercu/",
        views.questionnaire_preview,
        name="questionnaire_preview",
    ),
    path("tableau-de-bord/fiches/<int:pk>/", views.fiche_review, name="fiche_review"),
    path(
        "tableau-de-bord/enquetes/<int:pk>/resultats/",
        views_results.results,
        name="survey_results",
    ),
    path(
        "tableau-de-bord/enquetes/<int:pk>/resultats.csv",
        views_results.results,
        {"export": "csv"},
        name="survey_results_csv",
    ),
    path(
        "tableau-de-bord/enquetes/<int:pk>/resultats.xlsx",
        views_results.results,
        {"export": "xlsx"},
        name="survey_results_xlsx",
    ),
    path(
        "tableau-de-bord/enquetes/<int:pk>/resultats.pdf",
        views_results.results,
        {"export": "pdf"},
        name="survey_results_pdf",
    ),
    path("tableau-de-bord/enquetes/<int:pk>/", views_surveys.survey_staff, name="survey_staff"),
    path("tableau-de-bord/enquetes/<int:pk>/apercu/", views_surveys.survey_preview, name="survey_preview"),
    path("tableau-de-bord/enquetes/<int:pk>/ouvrir/", views_surveys.survey_open, name="survey_open"),
    path("tableau-de-bord/enquetes/<int:pk>/relancer/", views_surveys.survey_remind, name="survey_remind"),
]
