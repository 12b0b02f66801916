"""The import of a big spreadsheet for `make bench` (run by bench/run.py against the benchmark database).

1,000 territories, then their 3,000 people, each file previewed then imported by the services the
worker's tasks call (members/imports/tasks.py), then imported again (nothing changes). Visibly
fictional data; SIRENs in a range of their own (4xxxxxxxx), apart from the data set's.
Prints one JSON line: {"entries": [[measure, value], ...], "failures": [...]}.
"""

import json
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from stdnum import luhn  # noqa: E402

from members.imports import services  # noqa: E402
from members.models import ImportBatch, ImportedPerson, Territory  # noqa: E402

TERRITORIES = 1000
PEOPLE_PER_TERRITORY = 3
KINDS = ["PETR", "Pays associatif", "Pays syndicat mixte", "Pôle territorial"]
REGIONS = ["Nouvelle-Aquitaine", "Occitanie", "Bretagne", "Grand Est"]


def siren(n: int) -> str:
    base = f"4{n:07d}"
    return base + luhn.calc_check_digit(base)


def territories_csv() -> bytes:
    lines = [
        "SIREN;Nom;Nature juridique;Région;Départements;Population;Année de la population;"
        "Nombre de communes;Site internet;Adresse;Code postal;Commune"
    ]
    for n in range(TERRITORIES):
        lines.append(
            f"{siren(n)};Territoire fictif d'import n°{n};{KINDS[n % 4]};{REGIONS[n % 4]};16, 17;"
            f"{20000 + n * 37};2021;{20 + n % 80};https://fictif-{n}.example;{n} rue de l'Exemple;16700;Ville-Fictive"
        )
    # Windows-1252 and semicolons: what a French spreadsheet saves.
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def people_csv() -> bytes:
    lines = ["Email,Prénom,Nom,Fonction,SIREN du territoire,Rôle"]
    for n in range(TERRITORIES):
        for k in range(PEOPLE_PER_TERRITORY):
            role = "Référent" if k == 0 else "Membre"
            lines.append(
                f"personne{k}.t{n}@fictif.example,Camille,Exemple {n}-{k},Chargée de mission,{siren(n)},{role}"
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_timed(kind: str, content: bytes, name: str) -> tuple[ImportBatch, float, float]:
    batch = services.import_batch_create(kind=kind, upload=SimpleUploadedFile(name, content), by=None)
    started = time.perf_counter()
    services.import_batch_preview(batch_id=batch.pk)
    previewed = time.perf_counter()
    batch.refresh_from_db()
    services.import_batch_confirm(batch=batch, by=None)
    services.import_batch_run(batch_id=batch.pk)
    imported = time.perf_counter()
    batch.refresh_from_db()
    return batch, previewed - started, imported - previewed


def main():
    entries, failures = [], []
    territories, people = territories_csv(), people_csv()
    total = 0.0
    for label, kind, content, name, expected in (
        ("territoires", "territoires", territories, "territoires.csv", TERRITORIES),
        ("personnes", "personnes", people, "personnes.csv", TERRITORIES * PEOPLE_PER_TERRITORY),
    ):
        batch, preview, run = import_timed(kind, content, name)
        total += preview + run
        entries.append(
            (
                f"{expected:,} {label} ({len(content) // 1024} Ko) : aperçu puis import".replace(",", " "),
                f"{preview:.1f} s + {run:.1f} s ({expected / (preview + run):.0f} lignes/s)",
            )
        )
        if batch.status != ImportBatch.Status.IMPORTED or batch.report.get("new") != expected:
            failures.append(
                f"import of {label}: {batch.status} {batch.report.get('new')} new, expected {expected}"
            )
        again, preview, run = import_timed(kind, content, name)
        entries.append(
            (
                f"Le même fichier réimporté ({label})",
                f"{preview:.1f} s + {run:.1f} s, {again.report.get('skip')} inchangées",
            )
        )
        if again.report.get("skip") != expected:
            failures.append(f"re-import of {label}: {again.report}")
    entries.append(
        (
            "1 000 territoires + 3 000 personnes, aperçus et imports",
            f"**{total:.1f} s** (objectif : moins de 60 s)".replace("1 000", "1 000"),
        )
    )
    if total >= 60:
        failures.append(
            f"the import of 1,000 territories and 3,000 people took {total:.0f} s (over a minute)"
        )
    if Territory.objects.filter(siren__startswith="4").count() < TERRITORIES:
        failures.append("imported territories missing")
    if (
        ImportedPerson.objects.filter(email__endswith="@fictif.example").count()
        != TERRITORIES * PEOPLE_PER_TERRITORY
    ):
        failures.append("imported people missing")
    print(json.dumps({"entries": entries, "failures": failures}))


if __name__ == "__main__":
    main()
