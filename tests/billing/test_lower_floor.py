"""billing sits below the apps that use it (STYLE.md habit 13): no module of billing imports another
app of the portal — at the top of a file or inside a function, templatetags, demo and migrations
included — so billing is in no import circle with members and events. What billing must call back
goes through billing/registry.py, filled by the apps in their AppConfig.ready()."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from billing import registry

from ..project import project_apps

BASE = Path(settings.BASE_DIR)
GROUND_FLOOR = "anpp_portal"


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a file imports, wherever the import statement stands (a function's body, an
    ``if TYPE_CHECKING:`` block), and the literal names given to importlib.import_module()."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _apps_imported_by(app: str, apps: tuple[str, ...]) -> dict[str, list[str]]:
    """For each other project app that ``app`` imports, where (``path:line``)."""
    imported: dict[str, list[str]] = {}
    for path in sorted((BASE / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree):
            top = module.split(".")[0]
            if top in apps and top != app:
                imported.setdefault(top, []).append(f"{path.relative_to(BASE)}:{line} ({module})")
    return imported


def billing_imports_of_other_apps(apps: tuple[str, ...]) -> list[str]:
    """Every import, in billing, of a portal app other than billing and the ground floor."""
    others = tuple(app for app in apps if app not in {"billing", GROUND_FLOOR})
    return sorted(where for wheres in _apps_imported_by("billing", others).values() for where in wheres)


def test_the_walk_sees_every_app_of_the_portal_and_each_kind_of_import():
    apps = project_apps()
    assert {"billing", "members", "events", GROUND_FLOOR} <= set(apps)
    source = (
        "import members.models\n"
        "from events.services import lock_event\n"
        "from . import registry\n"
        "def f():\n"
        "    from members.permissions import can\n"
        "    importlib.import_module('events.models')\n"
    )
    assert [module for _line, module in _imported_modules(ast.parse(source))] == [
        "members.models",
        "events.services",
        "members.permissions",
        "events.models",
    ]


def test_billing_imports_no_other_app_of_the_portal():
    assert billing_imports_of_other_apps(project_apps()) == []


def test_billing_is_in_no_import_circle_with_the_apps_that_use_it():
    apps = project_apps()
    # The ground floor is left out: it is below every app (its management commands, which load
    # the apps' demo and benchmark data, are walked by the tests of its own rule).
    graph = {app: set(_apps_imported_by(app, apps)) - {GROUND_FLOOR} for app in apps}
    # members and events call billing (they sit above it) ...
    assert "billing" in graph["members"] and "billing" in graph["events"]
    # ... and nothing billing imports leads back to it: billing reaches no app at all.
    reached, todo = set(), list(graph["billing"])
    while todo:
        app = todo.pop()
        if app not in reached:
            reached.add(app)
            todo += graph[app]
    assert reached == set()


def test_every_hook_billing_calls_is_registered_by_an_installed_app():
    calls = set()
    for path in (BASE / "billing").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) == "hook"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                calls.add(node.args[0].value)
    assert calls and calls <= set(registry.HOOKS)
    for name in calls:
        assert callable(registry.hook(name)), name


def test_a_hook_billing_does_not_know_or_a_second_provider_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="no hook named"):
        registry.register("adhesion_render", print)
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register("registration_lock", print)
