"""The group « Équipe ANPP »: the permissions ANPP staff need (members/staff.py).

Being staff opens the admin and the staff pages; what they show needs these permissions. Accounts
themselves (adding, changing, deleting users, hence granting rights) stay with superusers: the group
may only view them. Re-running it adds the permissions of models created since.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Équipe ANPP"
APPS = ("members", "events", "publications", "anpp_portal", "billing")
ACCOUNT_ADMINISTRATION = ("add_user", "change_user", "delete_user")


def create_staff_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate): create them now.
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=APPS).exclude(codename__in=ACCOUNT_ADMINISTRATION)
    )


def delete_staff_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0012_private_documents"),
        ("events", "0006_french_labels_and_plenary_default"),
        ("publications", "0012_separate_unsubscribe_token"),
        ("anpp_portal", "0004_outbox_rendered_by_worker"),
        ("billing", "0001_invoices_and_billing_identity"),
    ]

    operations = [migrations.RunPython(create_staff_group, delete_staff_group)]
