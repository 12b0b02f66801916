"""The project's own apps, for the tests that walk its source or its models: every app whose folder
sits at the project's root (a library's apps are not), so that a new app is walked without anyone
remembering to add it to a list."""

from pathlib import Path


def project_apps() -> tuple[str, ...]:
    from django.apps import apps
    from django.conf import settings

    base = Path(settings.BASE_DIR).resolve()
    return tuple(
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base
    )
