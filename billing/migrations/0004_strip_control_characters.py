"""Issue 23, finding 3: texts stored before the portal refused control characters lose them."""

from django.db import migrations

from anpp_portal.text import strip_stored_control_characters


def strip(apps, schema_editor):
    strip_stored_control_characters(apps, "billing")


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_invoice_pdf_unguessable_folder")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop, elidable=True)]
