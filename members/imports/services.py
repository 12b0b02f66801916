"""Every step of an import: upload, preview (nothing written), import (one transaction), export,
templates, and the bulk invitation of the imported people."""

from dataclasses import dataclass

import tablib
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from import_export.results import RowResult

from anpp_portal import pagecache

from ..models import ImportBatch, ImportedPerson, Role, Territory, TerritoryMembership, User
from ..services.people import MembersError, invitation_create
from .formats import UnreadableFile, read_dataset
from .resources import EXAMPLES, RESOURCES, columns_of

Status = ImportBatch.Status

# The preview lists this many changed rows (every rejected row is listed).
CHANGES_SHOWN = 300


class ImportRefused(MembersError):
    """The file cannot be imported as it is; the message says why, in French."""


class FileTooLarge(ImportRefused):
    pass


def import_file_check_size(size: int) -> None:
    """Refuse a file over the limit from its announced size, before a byte of it is read."""
    limit = settings.ANPP_IMPORT_MAX_BYTES
    if size > limit:
        raise FileTooLarge(
            f"Fichier trop volumineux ({filesizeformat(size)}) : la limite est de {filesizeformat(limit)}. "
            "Découpez-le en plusieurs fichiers."
        )


def import_batch_create(*, kind: str, upload, by: User) -> ImportBatch:
    """Keep the uploaded file and have a worker preview it (big files take a while)."""
    import_file_check_size(upload.size)
    if kind not in RESOURCES:
        raise ImportRefused("Choisissez ce que contient le fichier.")
    batch = ImportBatch.objects.create(
        kind=kind, file_name=upload.name[:200], content=upload.read(), created_by=by
    )
    from .tasks import preview_import

    transaction.on_commit(lambda: preview_import.delay(batch.pk))
    return batch


def _progress_key(batch_id: int) -> str:
    return f"members-import-progress:{batch_id}"


def import_batch_progress(batch: ImportBatch) -> dict | None:
    """How far the worker is: ``{"done": rows, "total": rows}`` (kept in the shared cache)."""
    return cache.get(_progress_key(batch.pk))


def _reporter(batch_id: int, total: int):
    def report(done: int) -> None:
        cache.set(_progress_key(batch_id), {"done": done, "total": total}, 3600)

    report(0)
    return report


def _report(resource, result) -> dict:
    """What the staff read: counts, every rejected row (line of the sheet, column, reason), changes."""
    totals = {"new": 0, "update": 0, "skip": 0, "invalid": 0}
    errors, changes = [], []
    for number, row in enumerate(result.rows, 1):
        line = number + 1  # the sheet's line: its first line holds the headers
        kind = row.import_type
        if kind == RowResult.IMPORT_TYPE_INVALID:
            totals["invalid"] += 1
            for attribute, messages in row.validation_error.message_dict.items():
                for message in messages:
                    errors.append(
                        {"line": line, "column": resource.column_of(attribute), "message": str(message)}
                    )
        elif kind == RowResult.IMPORT_TYPE_ERROR:
            totals["invalid"] += 1
            for error in row.errors:
                errors.append({"line": line, "column": "", "message": f"Ligne illisible : {error.error}"})
        elif kind in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP):
            totals[kind] += 1
            if kind != RowResult.IMPORT_TYPE_SKIP and len(changes) < CHANGES_SHOWN:
                changes.append({"line": line, "type": kind, "label": row.object_repr or ""})
    for error in result.base_errors:
        errors.append({"line": None, "column": "", "message": str(error.error)})
    return {"total": len(result.rows), **totals, "errors": errors, "changes": changes}


def _run(batch: ImportBatch, *, dry_run: bool, by: User | None) -> tuple[dict, bool]:
    try:
        dataset = read_dataset(bytes(batch.content), columns_of(batch.kind))
    except UnreadableFile as error:
        return {"file_error": str(error), "errors": [], "changes": []}, False
    resource = RESOURCES[batch.kind](progress=_reporter(batch.pk, len(dataset)), user=by)
    # Each saved row would invalidate the page cache twice (two round trips to Redis): once at the end.
    with pagecache.invalidations_once():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True, user=by
        )
    report = _report(resource, result)
    cache.set(_progress_key(batch.pk), {"done": len(dataset), "total": len(dataset)}, 3600)
    return report, not report["errors"]


def import_batch_preview(*, batch_id: int) -> ImportBatch | None:
    """Read the file and say what importing it would do; nothing stays written."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=Status.PREVIEWING).first()
    if batch is None:
        return None  # already previewed (a task delivered twice)
    report, clean = _run(batch, dry_run=True, by=batch.created_by)
    batch.report = report
    batch.status = Status.REFUSED if "file_error" in report else Status.PREVIEWED
    fields = ["report", "status"]
    if not clean:
        # It will never be imported (staff fix the file and upload it again): no copy of its
        # people's names and addresses is kept.
        batch.content = b""
        fields.append("content")
    batch.save(update_fields=fields)
    return batch


def import_batch_is_importable(batch: ImportBatch) -> bool:
    report = batch.report or {}
    return batch.status == Status.PREVIEWED and not report.get("errors") and "file_error" not in report


def import_batch_confirm(*, batch: ImportBatch, by: User) -> bool:
    """Staff confirm a clean preview: the import is queued once, however many times they click."""
    if not import_batch_is_importable(batch):
        raise ImportRefused("Seul un aperçu sans ligne refusée peut être importé : corrigez le fichier.")
    with transaction.atomic():
        started = ImportBatch.objects.filter(pk=batch.pk, status=Status.PREVIEWED).update(
            status=Status.IMPORTING
        )
        if started:
            from .tasks import run_import

            transaction.on_commit(lambda: run_import.delay(batch.pk))
    return bool(started)


def import_batch_run(*, batch_id: int) -> ImportBatch | None:
    """Import the file in one transaction: every row, or none if one is refused now."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, status=Status.IMPORTING).first()
        if batch is None:
            return None  # done already (a task delivered twice)
        report, clean = _run(batch, dry_run=False, by=batch.created_by)
        batch.report = report
        batch.status = Status.IMPORTED if clean else Status.REFUSED
        batch.imported_at = timezone.now() if clean else None
        batch.content = b""  # what it held is in the portal now (or refused): no second copy is kept
        batch.save(update_fields=["report", "status", "imported_at", "content"])
    return batch


def import_template(kind: str) -> tablib.Dataset:
    columns = columns_of(kind)
    dataset = tablib.Dataset(headers=columns)
    dataset.append([EXAMPLES[kind][column] for column in columns])
    return dataset


def import_export(kind: str) -> tablib.Dataset:
    """Everything the import of ``kind`` would read, in its columns: re-imported, it changes nothing."""
    resource = RESOURCES[kind]()
    queryset = resource.get_export_queryset() if kind == "adhesions" else resource.get_queryset()
    return resource.export(queryset)


# --- Inviting the imported people ------------------------------------------------------------------


@dataclass
class InvitationsSent:
    sent: int = 0
    already_invited: int = 0
    already_members: int = 0


def imported_people_to_invite(*, territories, referents_only: bool):
    people = ImportedPerson.objects.filter(territory__in=territories)
    return people.filter(role=Role.REFERENT) if referents_only else people


def imported_people_invite(*, territories, referents_only: bool, by: User) -> InvitationsSent:
    """Invite the imported people of ``territories``: one email each, exactly once.

    The people are locked while their invitations are made; one already invited by this action is
    passed over, so a second click (or two staff at once) sends nothing more. A person who already
    acts for the territory is not invited."""
    outcome = InvitationsSent()
    with transaction.atomic():
        people = list(
            imported_people_to_invite(territories=territories, referents_only=referents_only)
            .select_for_update()
            .select_related("territory")
            .order_by("pk")
        )
        members = set(
            TerritoryMembership.objects.filter(
                Q(territory__in=[person.territory_id for person in people]),
                user__email__in=[person.email for person in people],
            ).values_list("territory_id", "user__email")
        )
        for person in people:
            if person.invitation_id is not None:
                outcome.already_invited += 1
            elif (person.territory_id, person.email) in members:
                outcome.already_members += 1
            else:
                person.invitation = invitation_create(
                    territory=person.territory, email=person.email, role=person.role, invited_by=by
                )
                person.save(update_fields=["invitation", "updated_at"])
                outcome.sent += 1
    return outcome


def territories_with_people_to_invite():
    """The territories with imported people not yet invited, and how many (référents, everyone)."""
    waiting = Q(imported_people__invitation__isnull=True)
    return (
        Territory.objects.filter(
            pk__in=ImportedPerson.objects.filter(invitation__isnull=True).values("territory_id")
        )
        .annotate(
            referents_waiting=Count(
                "imported_people", filter=waiting & Q(imported_people__role=Role.REFERENT)
            ),
            people_waiting=Count("imported_people", filter=waiting),
        )
        .order_by("name")
    )
