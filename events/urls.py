from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("evenements/", views.event_list, name="list"),
    path("evenements/mes-inscriptions/", views.my_registrations, name="my_registrations"),
    path("evenements/mes-inscriptions/<int:pk>/", views.registration_detail, name="registration"),
    path(
        "evenements/mes-inscriptions/<int:pk>/participant/<int:participant_pk>/modifier/",
        views.participant_change,
        name="participant_change",
    ),
    path(
        "evenements/mes-inscriptions/<int:pk>/participant/<int:participant_pk>/annuler/",
        views.participant_cancel,
        name="participant_cancel",
    ),
    path("evenements/desistement/<str:token>/", views.decline, name="decline"),
    path("evenements/<slug:slug>/", views.event_detail, name="detail"),
    path("evenements/<slug:slug>/agenda.ics", views.event_calendar, name="calendar"),
    path("evenements/<slug:slug>/inscription/", views.register, name="register"),
    path("evenements/<slug:slug>/gestion/participants/", views.staff_participants, name="staff_participants"),
    path("evenements/<slug:slug>/gestion/pointage/", views.checkin, name="checkin"),
    path("evenements/<slug:slug>/gestion/pointage/<int:day_pk>/", views.checkin_day, name="checkin_day"),
    path(
        "evenements/<slug:slug>/gestion/pointage/<int:day_pk>/scan/",
        views.checkin_scan,
        name="checkin_scan",
    ),
    path(
        "evenements/<slug:slug>/gestion/pointage/<int:day_pk>/<int:participant_pk>/",
        views.checkin_mark,
        name="checkin_mark",
    ),
    path("evenements/<slug:slug>/gestion/statistiques/", views.statistics, name="statistics"),
    path("evenements/<slug:slug>/gestion/badges.pdf", views.badges_pdf, name="badges"),
    path("evenements/<slug:slug>/gestion/emargement.pdf", views.signin_sheet_pdf, name="signin_sheets"),
]
