"""Issue 23, finding 3: texts stored before the portal refused control characters lose them."""

from django.db import migrations

from anpp_portal.text import strip_stored_control_characters


def strip(apps, schema_editor):
    strip_stored_control_characters(apps, "publications")


class Migration(migrations.Migration):
    dependencies = [("publications", "0015_article_body_nesting_limit")]

    operations = [migrations.RunPython(strip, migrations.RunPython.noop, elidable=True)]
