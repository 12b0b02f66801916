"""The project's URL patterns as the resolver sees them, and the per-app access declarations.

Shared by tests/test_territory_isolation.py and tests/test_access_matrix.py: both must cover a new
URL as soon as it exists, so both read the resolver instead of a hand-kept list.
"""

import importlib
import importlib.util

from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_APPS = ["members", "events", "publications", "billing", "backoffice", "resources", "legal"]
PROJECT_PACKAGES = {"anpp_portal", *PROJECT_APPS}


def project_patterns(resolver=None, namespace=None):
    """(name, converter names) of every URL pattern whose view belongs to the project, wherever and
    however it is included. Third-party views (admin, allauth, i18n, media) are not the project's; nor
    are the project's own pages inside the Django admin (an app's ModelAdmin.get_urls), which the
    admin site guards itself (staff only, then the model's permissions: tests/publications/test_admin.py)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            child = ":".join(filter(None, [namespace, entry.namespace]))
            yield from project_patterns(entry, child or None)
        elif isinstance(entry, URLPattern):
            module = getattr(entry.callback, "__module__", "") or ""
            if module.split(".")[0] in PROJECT_PACKAGES:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name or str(entry.pattern), list(entry.pattern.converters)


def access_modules():
    """tests/<app>/access.py of each project app that has one."""
    for app in PROJECT_APPS:
        if importlib.util.find_spec(f"tests.{app}.access") is not None:
            yield importlib.import_module(f"tests.{app}.access")


def declared(attribute: str) -> dict:
    """One attribute (TERRITORY_URLS, OTHER_URLS) of every access module, merged."""
    merged = {}
    for module in access_modules():
        merged.update(getattr(module, attribute, {}))
    return merged


def objects_of(territory) -> dict:
    """``territory`` and the objects of it that URLs can name, from every app's territory_objects()."""
    objects = {"territory": territory}
    for module in access_modules():
        objects.update(module.territory_objects(territory))
    return objects
