"""French full-text search of the notes and the Q&A base on SQLite (resources/fts.py), and the
permissions of the notes library and the legal questions service given to the group « Équipe ANPP »
(members/staff.py). PostgreSQL needs no table: it searches with its ``french_unaccent``
configuration (publications migration 0002)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Équipe ANPP"
APPS = ("resources", "legal")


def search_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from resources import fts

    for statement in fts.create_sql():
        schema_editor.execute(statement)


def drop_search_tables(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from resources import fts

    for statement in fts.drop_sql():
        schema_editor.execute(statement)


def staff_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate): create them now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=APPS))


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0001_notes_themes_qa_base"),
        ("legal", "0001_questions_and_messages"),
        ("members", "0013_staff_group"),
        ("publications", "0002_french_unaccent"),
    ]
    operations = [
        migrations.RunPython(search_tables, drop_search_tables),
        migrations.RunPython(staff_permissions, migrations.RunPython.noop),
    ]
