from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("facturation/documents/<int:pk>/", views.document, name="document"),
    path("facturation/inscriptions/<int:pk>/facture/", views.request_invoice, name="request_invoice"),
    path("facturation/impayes/", views.unpaid, name="unpaid"),
    path("facturation/grand-livre/<int:year>/", views.ledger_export, name="ledger_export"),
    path("facturation/factures/<int:pk>/", views.invoice_staff, name="invoice_staff"),
    path("facturation/factures/<int:pk>/paiement/", views.invoice_payment, name="invoice_payment"),
    path("facturation/factures/<int:pk>/chorus-pro/", views.invoice_chorus, name="invoice_chorus"),
    path("facturation/factures/<int:pk>/corriger/", views.invoice_correct, name="invoice_correct"),
]
