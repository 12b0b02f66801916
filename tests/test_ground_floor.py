"""The project package is the ground floor (STYLE.md habit 11): `anpp_portal/` imports no app of the
portal, so that every app may use it without an import circle. Settings and the URL map name the apps
by string; the benchmark's data command is the one module still built from every app's models."""

import ast
from pathlib import Path

from django.conf import settings

from .project import project_apps

# Left as it is, said in the issue notes: the benchmark's data would be gathered through a registry.
NOT_YET_ON_THE_FLOOR = {Path("anpp_portal/management/commands/bench_data.py")}


def imported_modules(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def test_the_project_package_imports_no_app_of_the_portal():
    base = Path(settings.BASE_DIR)
    apps = set(project_apps()) - {"anpp_portal"}
    assert {"members", "events", "billing"} <= apps
    found = []
    for path in sorted((base / "anpp_portal").rglob("*.py")):
        relative = path.relative_to(base)
        if "migrations" in relative.parts or relative in NOT_YET_ON_THE_FLOOR:
            continue
        for line, module in imported_modules(ast.parse(path.read_text(), str(path))):
            if module.split(".")[0] in apps:
                found.append(f"{relative}:{line}: {module}")
    assert found == []
