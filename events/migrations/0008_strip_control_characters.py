"""Issue 23, finding 3: texts stored before the portal refused control characters lose them."""

from django.db import migrations

from anpp_portal.text import strip_stored_control_characters


def strip(apps, schema_editor):
    strip_stored_control_characters(apps, "events")


class Migration(migrations.Migration):
    dependencies = [("events", "0007_bounded_free_text")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop, elidable=True)]
