"""Load the official list of French départements, with their region since the 2016 reform."""

from django.db import migrations

# django-localflavor gives each département its pre-2016 region; INSEE's mapping to the current ones.
REGION_BEFORE_2016_TO_2016 = {
    "01": "01", "02": "02", "03": "03", "04": "04", "05": "06",
    "11": "11", "24": "24", "52": "52", "53": "53", "93": "93", "94": "94",
    "21": "44", "41": "44", "42": "44",
    "22": "32", "31": "32",
    "23": "28", "25": "28",
    "26": "27", "43": "27",
    "54": "75", "72": "75", "74": "75",
    "73": "76", "91": "76",
    "82": "84", "83": "84",
}


def load(apps, schema_editor):
    from localflavor.fr.fr_department import DEPARTMENT_CHOICES_PER_REGION

    Department = apps.get_model("members", "Department")
    for code, name, old_region in DEPARTMENT_CHOICES_PER_REGION:
        if old_region is None:  # collectivités d'outre-mer: no region
            continue
        Department.objects.update_or_create(
            code=code, defaults={"name": name, "region": REGION_BEFORE_2016_TO_2016[old_region]}
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
