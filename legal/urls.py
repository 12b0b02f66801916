from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("questions-juridiques/", views.question_list, name="list"),
    path("questions-juridiques/poser/<slug:slug>/", views.question_ask, name="ask"),
    path("questions-juridiques/<int:pk>/", views.question_detail, name="question"),
    path("questions-juridiques/<int:pk>/fichiers/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("equipe/questions-juridiques/", views.staff_queue, name="staff_queue"),
    path("equipe/questions-juridiques/<int:pk>/attribuer/", views.staff_assign, name="staff_assign"),
    path("equipe/questions-juridiques/<int:pk>/clore/", views.staff_close, name="staff_close"),
    path("equipe/questions-juridiques/<int:pk>/publier/", views.staff_publish, name="staff_publish"),
]
