"""members.Payment and members.CallNumberSequence are gone: their rows were moved into billing's
ledger by billing.0005 (issue 24)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0020_fiche_saved_sections"),
        ("billing", "0005_one_ledger_appel_payments_and_numbers"),
    ]

    operations = [
        migrations.DeleteModel(name="CallNumberSequence"),
        migrations.DeleteModel(name="Payment"),
    ]
