"""The public directory of the member territories, its map, and the référent's choice of what it
shows (see members/directory.py for who is a member and what is public)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anpp_portal.pagecache import public_page

from . import directory, services
from .forms import DirectoryFilterForm, DirectoryProfileForm
from .permissions import Action, territory_view
from .selectors import member_definition

FILTERS = ("region", "departement", "nature")


def _filtered(request):
    """The filter form and the entries it selects (all of them while a filter is invalid)."""
    form = DirectoryFilterForm(request.GET or None, choices=directory.filter_choices())
    criteria = {}
    if form.is_valid():
        criteria = {
            "region": form.cleaned_data["region"],
            "department": form.cleaned_data["departement"],
            "kind": form.cleaned_data["nature"],
        }
    return form, directory.directory_entries(**criteria)


@public_page("directory", params=FILTERS)
def directory_list(request):
    form, entries = _filtered(request)
    return render(
        request,
        "members/directory/list.html",
        {
            "form": form,
            "entries": entries,
            "filtered": form.is_bound and any(request.GET.get(f) for f in FILTERS),
            "member_definition": member_definition(),
        },
    )


@public_page("directory", params=FILTERS)
def directory_map(request):
    form, entries = _filtered(request)
    return render(
        request,
        "members/directory/map.html",
        {
            "form": form,
            "entries": entries,
            "map": directory.directory_map(entries),
            "map_title": directory.map_title(entries),
            "query": request.GET.urlencode(),
            "member_definition": member_definition(),
        },
    )


@public_page("directory")
def directory_territory(request, slug):
    entry = directory.directory_entry(slug=slug)
    return render(
        request,
        "members/directory/territory.html",
        {"entry": entry, "map": directory.directory_map([entry]), "map_title": directory.map_title([entry])},
    )


@never_cache
@territory_view(Action.MANAGE_DIRECTORY)
@require_http_methods(["GET", "POST"])
def directory_settings(request, territory):
    profile = services.directory_profile_of(territory=territory)
    form = DirectoryProfileForm(instance=profile)
    if request.method == "POST":
        form = DirectoryProfileForm(request.POST, instance=services.directory_profile_of(territory=territory))
        if form.is_valid():
            services.directory_profile_update(territory=territory, by=request.user, data=form.cleaned_data)
            messages.success(
                request, _("Vos choix pour l'annuaire sont enregistrés ; l'annuaire les montre déjà.")
            )
            return redirect("members:directory_settings", slug=territory.slug)
    return render(
        request,
        "members/directory/settings.html",
        {
            "territory": territory,
            "form": form,
            "is_member": directory.is_member(territory),
            "epci": directory.epci_on_file(territory),
        },
    )
