"""The public "Adhérer à l'ANPP" page (fee schedule and simulator) and the join request form."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

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
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(**form.cleaned_data)
        except services.TerritoryAlreadyRegistered as exc:
            form.add_error("siren", str(exc))
        except services.JoinRequestPending as exc:
            form.add_error("siren", str(exc))
        else:
            messages.success(
                request,
                _(
                    "Demande envoyée à l'ANPP. Un email de confirmation part vers %(email)s ; "
                    "la réponse de l'ANPP suivra par email."
                )
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("members:join_request_sent")
    return render(request, "members/join_request.html", {"form": form})


@never_cache
@require_safe
def join_request_sent(request):
    return render(request, "members/join_request_sent.html")
