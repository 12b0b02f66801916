"""One ledger (issue 24): every appel is billing's document, paid by billing's payments, numbered by
billing's sequences.

- An adhésion called before appels became Factur-X documents gets its appel document now, under the
  number it was called with, for its amount, with the PDF it was sent (its ``call_pdf``).
- Every members.Payment becomes a billing.InvoicePayment of the adhésion's appel: amount, date,
  method, reference, who recorded it and when.
- Each year's members.CallNumberSequence becomes the appels' series ("A") of that year in
  billing.InvoiceSequence, so that the next call follows the last one.

members.0018 then removes the two old models. Reversible: payments and sequences go back; the appel
documents created here stay (the code before this migration reads them as it reads any appel).
"""

from django.db import migrations


def _appel_for(apps, adhesion):
    Invoice = apps.get_model("billing", "Invoice")
    territory = adhesion.territory
    year = adhesion.campaign.year
    address = adhesion.billing_address or "\n".join(
        filter(None, [territory.address, f"{territory.postal_code} {territory.city}".strip()])
    )
    amount = str(adhesion.amount)
    return Invoice.objects.create(
        kind="appel",
        number=adhesion.call_number,
        issued_at=adhesion.call_issued_at or adhesion.created_at,
        due_on=adhesion.call_due_on,
        territory=territory,
        adhesion=adhesion,
        buyer_name=territory.name,
        buyer_siret=adhesion.siret,
        buyer_service_code=adhesion.chorus_service_code,
        buyer_engagement=adhesion.engagement_number,
        buyer_address=address,
        buyer_email=adhesion.billing_contact_email,
        subject=f"Cotisation {year}",
        lines=[
            {
                "label": f"Cotisation {year} – {territory.name}",
                "quantity": 1,
                "unit_price": amount,
                "amount": amount,
                "detail": adhesion.amount_basis,
            }
        ],
        total=adhesion.amount,
        pdf=adhesion.call_pdf,
    )


def forward(apps, schema_editor):
    Adhesion = apps.get_model("members", "Adhesion")
    Payment = apps.get_model("members", "Payment")
    CallNumberSequence = apps.get_model("members", "CallNumberSequence")
    Invoice = apps.get_model("billing", "Invoice")
    InvoicePayment = apps.get_model("billing", "InvoicePayment")
    InvoiceSequence = apps.get_model("billing", "InvoiceSequence")

    with_appel = Invoice.objects.filter(kind="appel", adhesion__isnull=False).values("adhesion_id")
    paid = Payment.objects.values("adhesion_id")
    legacy = (
        Adhesion.objects.filter(call_number__isnull=False, amount__gt=0)
        .exclude(pk__in=with_appel)
        # A call cancelled before appels were documents asks for nothing any more: no document, unless
        # it was paid (its payments need the document they paid).
        .exclude(status="annulee", pk__in=Adhesion.objects.exclude(pk__in=paid).values("pk"))
        .select_related("territory", "campaign")
        .order_by("pk")
    )
    for adhesion in legacy:
        _appel_for(apps, adhesion)

    appels = dict(
        Invoice.objects.filter(kind="appel", adhesion__isnull=False).values_list("adhesion_id", "pk")
    )
    for payment in Payment.objects.order_by("pk"):
        if payment.adhesion_id not in appels:
            raise RuntimeError(
                f"Payment {payment.pk} of adhésion {payment.adhesion_id} has no appel to move to "
                "(an adhésion paid without a call number or an amount): fix it by hand, then migrate."
            )
        moved = InvoicePayment.objects.create(
            invoice_id=appels[payment.adhesion_id],
            paid_on=payment.paid_on,
            amount=payment.amount,
            method=payment.method,
            reference=payment.reference,
            recorded_by_id=payment.recorded_by_id,
        )
        # auto_now_add stamped it now: keep when it was really recorded.
        InvoicePayment.objects.filter(pk=moved.pk).update(recorded_at=payment.recorded_at)

    for sequence in CallNumberSequence.objects.all():
        row, _ = InvoiceSequence.objects.get_or_create(series="A", year=sequence.year)
        if sequence.last_number > row.last_number:
            row.last_number = sequence.last_number
            row.save(update_fields=["last_number"])


def backward(apps, schema_editor):
    Payment = apps.get_model("members", "Payment")
    CallNumberSequence = apps.get_model("members", "CallNumberSequence")
    InvoicePayment = apps.get_model("billing", "InvoicePayment")
    InvoiceSequence = apps.get_model("billing", "InvoiceSequence")

    appel_payments = InvoicePayment.objects.filter(invoice__kind="appel").select_related("invoice")
    for payment in appel_payments.order_by("pk"):
        back = Payment.objects.create(
            adhesion_id=payment.invoice.adhesion_id,
            paid_on=payment.paid_on,
            amount=payment.amount,
            method=payment.method,
            reference=payment.reference,
            recorded_by_id=payment.recorded_by_id,
        )
        Payment.objects.filter(pk=back.pk).update(recorded_at=payment.recorded_at)
    appel_payments.delete()
    for sequence in InvoiceSequence.objects.filter(series="A"):
        CallNumberSequence.objects.update_or_create(
            year=sequence.year, defaults={"last_number": sequence.last_number}
        )
    InvoiceSequence.objects.filter(series="A").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_strip_control_characters"),
        ("members", "0020_fiche_saved_sections"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="invoicepayment",
            options={
                "ordering": ["paid_on", "pk"],
                "verbose_name": "paiement",
                "verbose_name_plural": "paiements",
            },
        ),
        migrations.RunPython(forward, backward),
    ]
