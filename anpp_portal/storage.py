"""Where private documents (appels, attestations, invoices, credit notes) are stored, and how they
and the public media files are served.

Private documents never live under a public URL: ``FileField(storage=private_storage,
upload_to=UnguessableName("…"))`` puts them in the ``private`` storage of settings.STORAGES (a folder
outside MEDIA_ROOT, or the ``private/`` prefix of the S3 bucket) under a name nobody can guess, and
only views that check the person serve them, through ``private_file_response``:

- local disk: the view streams the file, or, when ``PRIVATE_MEDIA_ACCEL_REDIRECT`` names an internal
  location of the reverse proxy (nginx ``internal;``), answers with an ``X-Accel-Redirect`` header
  and lets the proxy send it;
- S3: a redirect to a presigned URL that expires after ``PRIVATE_MEDIA_URL_SECONDS``.

Public media (issue covers, partner logos) are served by ``public_media_response`` for the folders of
``PUBLIC_MEDIA_PREFIXES`` only: anything else under MEDIA_ROOT (rendered PDFs of members-only issues)
stays unreachable by URL even if an operator points the proxy at the whole folder by mistake… as
long as the proxy serves only those folders too (README, "Stored files").
"""

import mimetypes
import secrets
from posixpath import normpath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header


class _PrivateStorage(LazyObject):
    """storages["private"], looked up when first used (as Django's default_storage): a FileField
    keeps the object its ``storage`` callable returned at import, this one follows the settings."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _settings_changed(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_ROOT", "MEDIA_URL", "FILE_UPLOAD_PERMISSIONS"}:
        _private._wrapped = empty


def private_storage():
    """The storage of private documents, for ``FileField(storage=private_storage)`` (a callable:
    migrations name it instead of a configured instance)."""
    return _private


@deconstructible
class UnguessableName:
    """``upload_to`` of private documents: ``<folder>/<random 128-bit token>/<file name>``.

    The file name keeps its meaning for staff browsing the bucket; the token makes the path
    impossible to guess from a call number or a territory's slug."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{secrets.token_urlsafe(16)}/{filename}"

    def __eq__(self, other):
        return isinstance(other, UnguessableName) and other.folder == self.folder


def _is_local(storage) -> bool:
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def private_file_response(
    file, *, filename: str, content_type: str = "application/pdf", as_attachment: bool = True
) -> HttpResponse:
    """The response that hands ``file`` (a FieldFile of the private storage) to the person.

    Call it only AFTER the caller checked that the person may read the document: it checks nothing.
    Raises Http404 when the field is empty or the file missing."""
    if not file:
        raise Http404
    storage = file.storage
    disposition = content_disposition_header(as_attachment, filename)
    if _is_local(storage):
        accel = getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", "")
        if accel:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{quote(file.name)}"
            response["Content-Disposition"] = disposition
        else:
            try:
                handle = storage.open(file.name, "rb")
            except FileNotFoundError:
                raise Http404 from None
            response = FileResponse(
                handle, content_type=content_type, as_attachment=as_attachment, filename=filename
            )
    else:
        url = storage.url(
            file.name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=settings.PRIVATE_MEDIA_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_media_response(path: str) -> HttpResponse:
    """A public media file (cover, logo) of the default storage, if ``path`` is in one of the
    folders of ``PUBLIC_MEDIA_PREFIXES``; else 404."""
    name = normpath(path).lstrip("/")
    if name != path or not any(name.startswith(prefix) for prefix in settings.PUBLIC_MEDIA_PREFIXES):
        raise Http404
    if not _is_local(default_storage):
        return HttpResponseRedirect(default_storage.url(name))
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError):
        raise Http404 from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    # Stored names never change (covers get a uuid4 name): they may be kept a long time.
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
