"""Who may act as ANPP staff is answered in one place (anpp_portal/staffpolicy.py, STYLE.md habit 14).

This walks the project's Python files and templates (not the tests, the migrations nor the virtualenv)
and fails on any check of ``is_staff``, ``is_superuser`` or ``has_perm`` elsewhere: a view, a service or
a template that tested them itself would grant staff power to an account whose TOTP is overdue or that
lacks the group « Équipe ANPP ». Setting the flags (``"is_staff": True``, ``is_staff=True`` when an
account is created) and naming them (admin columns) are not checks and are not reported.
"""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
POLICY = "anpp_portal/staffpolicy.py"
# Places that may read the flags themselves, with the reason.
ALLOWED = {
    # The admin site's own door: only superusers see the technical models' group.
    "anpp_portal/admin_site.py": "the admin site's own door",
}
SKIPPED_DIRS = {
    ".venv",
    "tests",
    "migrations",
    "node_modules",
    "staticfiles",
    "var",
    ".git",
    "__pycache__",
    "mutants",
}
FLAGS = {"is_staff", "is_superuser"}
PERMISSION_CALLS = {"has_perm", "has_perms", "has_module_perms"}
# Query methods whose keyword ``is_staff=…`` / ``user__is_staff=…`` selects accounts by the flag.
QUERY_METHODS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "count", "exists"}
TEMPLATE_CHECK = re.compile(r"\b(is_staff|is_superuser|perms\.\w+)\b")


def _project_files(suffixes: tuple[str, ...]):
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        if path.is_file() and path.suffix in suffixes:
            yield relative.as_posix(), path


def _is_getattr_of_a_flag(node) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in FLAGS
    )


def staff_checks_in_python(source: str) -> list[tuple[int, str]]:
    """The lines of ``source`` that check a staff flag or a permission, with what they check."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in FLAGS and isinstance(node.ctx, ast.Load):
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Attribute) and node.attr in PERMISSION_CALLS:
            found.append((node.lineno, f".{node.attr}("))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in QUERY_METHODS:
                for keyword in node.keywords:
                    if keyword.arg and FLAGS & set(keyword.arg.split("__")):
                        found.append((node.lineno, f"{node.func.attr}({keyword.arg}=…)"))
        elif _is_getattr_of_a_flag(node):
            found.append((node.lineno, f"getattr(…, {node.args[1].value!r})"))
    return sorted(found)


def staff_checks_in_template(text: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for tag in re.findall(r"{%.*?%}|{{.*?}}", line):
            found += [(number, match) for match in TEMPLATE_CHECK.findall(tag)]
    return found


def staff_checks_outside_the_policy() -> list[str]:
    problems = []
    for relative, path in _project_files((".py",)):
        if relative == POLICY or relative in ALLOWED:
            continue
        for line, what in staff_checks_in_python(path.read_text(encoding="utf-8")):
            problems.append(f"{relative}:{line}: {what}")
    for relative, path in _project_files((".html", ".txt")):
        if relative in ALLOWED:
            continue
        for line, what in staff_checks_in_template(path.read_text(encoding="utf-8")):
            problems.append(f"{relative}:{line}: {what}")
    return problems


def test_no_staff_check_outside_the_policy_module():
    problems = staff_checks_outside_the_policy()
    assert not problems, (
        "Ask anpp_portal/staffpolicy.py (acts_as_staff) instead of testing staff flags or permissions:\n"
        + "\n".join(problems)
    )


def test_the_walker_sees_the_checks_it_must_refuse():
    source = (
        "def f(user, request):\n"
        "    if user.is_staff:\n"
        "        pass\n"
        "    ok = request.user.has_perm('events.view_event')\n"
        "    User.objects.filter(user__is_staff=True)\n"
        "    return getattr(user, 'is_superuser', False)\n"
    )
    assert [what for _line, what in staff_checks_in_python(source)] == [
        ".is_staff",
        ".has_perm(",
        "filter(user__is_staff=…)",
        "getattr(…, 'is_superuser')",
    ]
    assert staff_checks_in_template(
        "{% if user.is_staff %}<a>x</a>{% endif %}{{ perms.events.view_event }}"
    ) == [
        (1, "is_staff"),
        (1, "perms.events"),
    ]


def test_the_walker_lets_accounts_be_created_with_the_flags():
    source = (
        "User.objects.create_user(email='a@b.c', is_staff=True)\n"
        "defaults = {'is_staff': True, 'is_superuser': True}\n"
        "extra_fields.setdefault('is_staff', False)\n"
        "user.is_staff = True\n"
        "list_display = ['email', 'is_staff']\n"
    )
    assert staff_checks_in_python(source) == []


def test_the_walk_reads_the_project_and_finds_the_policy():
    walked = {relative for relative, _path in _project_files((".py", ".html"))}
    assert POLICY in walked
    assert "templates/base.html" in walked
    assert "events/services/registrations.py" in walked
    assert not any(relative.startswith(("tests/", ".venv/")) for relative in walked)
