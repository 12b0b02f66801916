"""One ledger, one rule each (STYLE habit 14): a number is taken by billing's one numbering function,
a payment is read or summed by billing's selectors only, and the old adhésion payments and call
sequence stay gone. A source walk fails on a second way of doing either."""

import pathlib
import re

from django.conf import settings

from ..project import project_apps

ROOT = pathlib.Path(settings.BASE_DIR)
PACKAGES = project_apps()
# bench_data writes thousands of fictional rows in bulk, bypassing services on purpose (its docstring).
BULK_FIXTURES = "anpp_portal/management/commands/bench_data.py"
RULES = [
    # (what, pattern, the modules allowed to match)
    (
        "the old models",
        re.compile(r"\bCallNumberSequence\b|members\.models import[^\n]*\bPayment\b|\bpayments__amount\b"),
        (),
    ),
    (
        "a number taken outside billing.services._next_number",
        re.compile(r"\bInvoiceSequence\.objects\b"),
        ("billing/services.py", BULK_FIXTURES),
    ),
    (
        "payments read or summed outside billing.selectors",
        re.compile(r"\bInvoicePayment\.objects\b|\.payments\.(aggregate|filter|count|exclude)\("),
        ("billing/selectors.py", BULK_FIXTURES),
    ),
]


def _offenders(pattern, allowed) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in allowed:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if pattern.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_numbers_and_payments_each_have_one_module():
    problems = {what: _offenders(pattern, allowed) for what, pattern, allowed in RULES}
    assert problems == {what: [] for what, _pattern, _allowed in RULES}


def test_the_source_walk_sees_a_second_way_when_there_is_one(tmp_path, monkeypatch):
    """Negative control: the walk finds a payment summed in a view."""
    package = tmp_path / "members"
    package.mkdir()
    (package / "views.py").write_text(
        'paid = appel.payments.aggregate(total=Sum("amount"))\n', encoding="utf-8"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    _what, pattern, allowed = RULES[2]
    assert _offenders(pattern, allowed) == [
        'members/views.py:1: paid = appel.payments.aggregate(total=Sum("amount"))'
    ]
