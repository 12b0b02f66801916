"""The public "Adhérer à l'ANPP" page (fee schedule and simulator) and the join request form."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from anpp_portal import ratelimit
from anpp_portal.pagecache import public_page

from . import selectors, services
from .forms import JoinRequestForm, SimulatorForm


def _simulation(campaign, form) -> dict:
    """The simulator's answer: the same function, with the same arguments, as the adhésion form."""
    if campaign is None or not form.is_bound or not form.is_valid():
        return {}
    try:
        quote = services.cotisation_compute(
            campaign=campaign, kind=form.cleaned_data["nature"], population=form.cleaned_data["population"]
        )
    except services.NoFeeForPopulation as exc:
        return {"error": str(exc)}
    return {"quote": quote}


@public_page("members", params=("nature", "population"))
@require_safe
def join(request):
    campaign = selectors.adhesion_campaign_for_joining()
    form = SimulatorForm(request.GET if "nature" in request.GET else None)
    return render(
        request,
        "members/join.html",
        {
            "campaign": campaign,
            "form": form,
            **selectors.fee_schedule(campaign),
            **_simulation(campaign, form),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join_request(request):
    """The same answer whatever the SIREN: the request waits for its address to be confirmed."""
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.consume_request(request, action="join_request", key=email):
            form.add_error(
                "email",
                _(
                    "Trop de demandes d'adhésion depuis votre connexion ou pour cette adresse : "
                    "réessayez plus tard ou écrivez à l'ANPP."
                ),
            )
        else:
            services.join_request_create(**form.cleaned_data)
            return redirect("members:join_request_sent")
    return render(request, "members/join_request.html", {"form": form})


@never_cache
@require_safe
def join_request_sent(request):
    return render(request, "members/join_request_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def join_request_confirm(request, token):
    """GET shows a button, POST confirms: mail scanners that follow links confirm nothing."""
    if request.method == "POST":
        try:
            services.join_request_confirm(token=token)
        except services.JoinLinkInvalid as exc:
            return render(request, "members/join_request_invalid.html", {"reason": str(exc)}, status=404)
        return render(request, "members/join_request_confirmed.html")
    return render(request, "members/join_request_confirm.html")
