"""Issue 23, finding 3: texts stored before the portal refused control characters lose them."""

from django.db import migrations

from anpp_portal.text import strip_stored_control_characters


def strip(apps, schema_editor):
    strip_stored_control_characters(apps, "publications")


class Migration(migrations.Migration):
    dependencies = [("publications", "0014_sqlite_search_trigger_again")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop, elidable=True)]
