"""The benchmark data (make bench) holds its appels in billing's ledger as the services would: each
call has its appel under its number, a paid adhésion's appel is settled, an unpaid one owes all, and
the next call of each year follows the last one."""

import io

import pytest
from django.core.management import call_command

from billing.models import Invoice, InvoiceSequence
from billing.selectors import with_balance
from members.models import Adhesion

pytestmark = pytest.mark.django_db


def test_the_bench_data_appels_are_in_the_ledger_with_the_balances_their_status_says():
    call_command(
        "bench_data",
        territories=12,
        issues=1,
        articles_per_issue=1,
        subscribers=1,
        events=1,
        registrations=2,
        force=True,  # the test database is a throwaway one
        stdout=io.StringIO(),
    )
    called = Adhesion.objects.exclude(call_number=None).select_related("campaign")
    assert (
        called.filter(status=Adhesion.Status.PAYEE).exists()
        and called.filter(status=Adhesion.Status.APPEL_EMIS).exists()
    )
    appels = {a.adhesion_id: a for a in with_balance(Invoice.objects.filter(kind=Invoice.Kind.APPEL))}
    for adhesion in called:
        appel = appels[adhesion.pk]
        assert (appel.number, appel.total) == (adhesion.call_number, adhesion.amount)
        expected = 0 if adhesion.status == Adhesion.Status.PAYEE else adhesion.amount
        assert appel.balance == expected, adhesion
    for year in (2016, 2017, 2018):
        numbers = sorted(called.filter(campaign__year=year).values_list("call_number", flat=True))
        assert InvoiceSequence.objects.get(series="A", year=year).last_number == len(numbers)
        assert numbers == [f"{year}-{n:04d}" for n in range(1, len(numbers) + 1)]
