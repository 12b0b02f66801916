"""allauth's signup form, doing the same work for an address already known as for a new one.

With ACCOUNT_PREVENT_ENUMERATION, allauth answers both the same way, but only a new account costs a
password hash (a quarter of a second): the time of the answer told a known address from a new one.
A known address now pays the same hash. (A separate module: allauth's forms import
members.forms.SignupForm, the extra fields, so members.forms cannot import them back.)
"""

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password


class EqualWorkSignupForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # Come from the invitation of an accepted join request: the names the request gave.
            from allauth.core import context

            from .selectors import join_request_of_pending_invitation

            join = join_request_of_pending_invitation(getattr(context, "request", None))
            if join is not None:
                for name in ("first_name", "last_name"):
                    if name in self.fields and not self.initial.get(name):
                        self.initial[name] = getattr(join, name)

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))  # the work of creating the account
        return super().try_save(request)
