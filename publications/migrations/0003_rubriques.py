"""The magazine's rubriques are data: the ones of the first issue, in the magazine's order."""

from django.db import migrations

RUBRIQUES = [
    ("Édito", "edito"),
    ("Actu ANPP", "actu-anpp"),
    ("Interview", "interview"),
    ("Partenaire", "partenaire"),
    ("Sécurité numérique", "securite-numerique"),
    ("Projet de territoire", "projet-de-territoire"),
    ("Juridique", "juridique"),
    ("Dossier", "dossier"),
    ("Adhérer", "adherer"),
    ("Partenaires", "partenaires"),
]


def forward(apps, schema_editor):
    Rubrique = apps.get_model("publications", "Rubrique")
    for position, (name, slug) in enumerate(RUBRIQUES, start=1):
        Rubrique.objects.get_or_create(slug=slug, defaults={"name": name, "position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("publications", "0002_french_unaccent")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
