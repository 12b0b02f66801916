import re
import secrets

from django.db import migrations, models

import anpp_portal.storage

# Documents stored before this migration lie in the private storage under guessable names
# (facturation/facture-F2026-0001.pdf). This moves each one under a random folder, as upload_to now
# names new ones (facturation/<token>/facture-F2026-0001.pdf). Idempotent: a moved file is no longer
# directly under facturation/; a row whose file is missing keeps its name (nothing to move).
OLD_NAME = re.compile(r"^facturation/[^/]+$")


def move_documents_to_random_folders(apps, schema_editor):
    from django.core.files.storage import storages

    private = storages["private"]
    Invoice = apps.get_model("billing", "Invoice")
    for pk, name in Invoice.objects.exclude(pdf="").values_list("pk", "pdf"):
        if not OLD_NAME.match(name) or not private.exists(name):
            continue
        folder, filename = name.rsplit("/", 1)
        with private.open(name, "rb") as handle:
            new_name = private.save(f"{folder}/{secrets.token_urlsafe(16)}/{filename}", handle)
        Invoice.objects.filter(pk=pk).update(pdf=new_name)
        private.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_bounded_free_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="invoice",
            name="pdf",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=anpp_portal.storage.private_storage,
                upload_to=anpp_portal.storage.UnguessableName("facturation"),
                verbose_name="document Factur-X (PDF)",
            ),
        ),
        migrations.RunPython(move_documents_to_random_folders, migrations.RunPython.noop, elidable=True),
    ]
