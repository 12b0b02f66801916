"""Where private documents (appels, attestations, invoices, credit notes) are stored.

Private documents never live under a public URL: ``FileField(storage=private_storage)`` puts them in
the ``private`` storage of settings.STORAGES (a folder outside MEDIA_ROOT, or a private S3 prefix), and
only views that check the person serve them.
"""

from django.core.files.storage import storages


def private_storage():
    """The storage of private documents (a callable, so that FileField reads settings at run time)."""
    return storages["private"]
