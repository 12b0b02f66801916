"""The ground floor's one kind of refusal.

A service that refuses what was asked raises a subclass of ``Refused`` whose message, in French, is
shown to the person who asked. Each app derives its own errors from it (members' MembersError,
billing's BillingError), so that a page catching ``Refused`` shows the message of a refusal from the
app below it too (a members page recording an appel's payment shows billing's refusal).
"""


class Refused(Exception):
    """What was asked is refused; ``str(error)`` says why, in French, to the person who asked."""
