"""Issue 23, finding 3: texts stored before the portal refused control characters lose them."""

from django.db import migrations

from anpp_portal.text import strip_stored_control_characters


def strip(apps, schema_editor):
    strip_stored_control_characters(apps, "members")


class Migration(migrations.Migration):
    dependencies = [("members", "0015_bounded_join_and_questionnaire_texts")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop, elidable=True)]
