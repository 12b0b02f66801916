"""allauth's signup form, doing the same work for an address already known as for a new one.

With ACCOUNT_PREVENT_ENUMERATION, allauth answers both the same way, but only a new account costs a
password hash (a quarter of a second): the time of the answer told a known address from a new one.
A known address now pays the same hash. (A separate module: allauth's forms import
members.forms.SignupForm, the extra fields, so members.forms cannot import them back.)
"""

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password


class EqualWorkSignupForm(SignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))  # the work of creating the account
        return super().try_save(request)
