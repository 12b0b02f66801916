"""The public directory of the member territories (/annuaire/) and its map.

A *member territory* is one whose adhésion is valid today, by the one rule of
``selectors.territories_with_valid_adhesion``: an adhésion validated (validée, appel émis or payée)
for this year, or for last year until this year's campaign closes. A territory that has not renewed
leaves the directory, and its directory page is a 404, when that grace ends.

Privacy by construction: a :class:`DirectoryEntry` is built here from the territory's
``DirectoryProfile``, and a field its référent keeps private is never read into it; the templates
only ever receive entries. Without a profile, only the name, kind, region and départements show.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import francemap
from .models import Department, DirectoryProfile, FicheRenseignements, Territory
from .selectors import territories_with_valid_adhesion


@dataclass(frozen=True)
class DirectoryEntry:
    slug: str
    name: str
    kind: str
    kind_label: str
    region: str
    region_label: str
    departments: tuple[Department, ...]
    # Only what the référent made public; None (or empty) otherwise.
    population: int | None = None
    population_year: int | None = None
    communes_count: int | None = None
    epci: tuple[str, ...] = ()
    website: str = ""
    address_lines: tuple[str, ...] = ()
    contact_email: str = ""

    @property
    def department_codes(self) -> list[str]:
        return [department.code for department in self.departments]


def _member_territories() -> QuerySet[Territory]:
    return (
        territories_with_valid_adhesion()
        .select_related("directory_profile")
        .prefetch_related(Prefetch("departments", queryset=Department.objects.order_by("code")))
        .order_by("name")
    )


def _latest_epci(territory_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Names of the member EPCI on each territory's latest submitted fiche, in one query."""
    if not territory_ids:
        return {}
    found: dict[int, tuple[str, ...]] = {}
    fiches = (
        FicheRenseignements.objects.filter(
            territory_id__in=territory_ids, status=FicheRenseignements.Status.SOUMISE
        )
        .order_by("territory_id", "-campaign__year")
        .values_list("territory_id", "answers")
    )
    for territory_id, answers in fiches:
        if territory_id not in found:
            rows = (answers or {}).get("epci") or []
            found[territory_id] = tuple(
                row["nom"] for row in rows if isinstance(row, dict) and row.get("nom")
            )
    return found


def _entry(territory: Territory, epci: dict[int, tuple[str, ...]]) -> DirectoryEntry:
    profile = _profile(territory) or DirectoryProfile(territory=territory)
    public = {}
    if profile.show_population and territory.population:
        public |= {"population": territory.population, "population_year": territory.population_year}
    if profile.show_communes and territory.communes_count:
        public["communes_count"] = territory.communes_count
    if profile.show_epci and epci.get(territory.pk):
        public["epci"] = epci[territory.pk]
    if profile.show_website and territory.website:
        public["website"] = territory.website
    if profile.show_contact:
        city_line = " ".join(part for part in (territory.postal_code, territory.city) if part)
        lines = [line.strip() for line in territory.address.splitlines() if line.strip()]
        public["address_lines"] = tuple(lines + ([city_line] if city_line else []))
        public["contact_email"] = profile.contact_email
    return DirectoryEntry(
        slug=territory.slug,
        name=territory.name,
        kind=territory.kind,
        kind_label=territory.get_kind_display(),
        region=territory.region,
        region_label=territory.get_region_display(),
        departments=tuple(territory.departments.all()),
        **public,
    )


def _entries(territories: list[Territory]) -> list[DirectoryEntry]:
    with_epci = [t.pk for t in territories if getattr(_profile(t), "show_epci", False)]
    epci = _latest_epci(with_epci)
    return [_entry(territory, epci) for territory in territories]


def _profile(territory: Territory):
    try:
        return territory.directory_profile
    except DirectoryProfile.DoesNotExist:
        return None


def directory_entries(*, region: str = "", department: str = "", kind: str = "") -> list[DirectoryEntry]:
    """The member territories, by name, filtered; a constant number of queries."""
    territories = _member_territories()
    if region:
        territories = territories.filter(region=region)
    if department:
        territories = territories.filter(departments__code=department)
    if kind:
        territories = territories.filter(kind=kind)
    return _entries(list(territories.distinct()))


def directory_entry(*, slug: str) -> DirectoryEntry:
    """The entry of the member territory ``slug``; 404 for any other territory."""
    territory = _member_territories().filter(slug=slug).first()
    if territory is None:
        raise Http404
    return _entries([territory])[0]


def filter_choices() -> dict:
    """What the filters offer: only values some member territory has, so no filter leads nowhere."""
    territories = list(_member_territories())
    regions = {t.region: t.get_region_display() for t in territories}
    kinds = {t.kind: t.get_kind_display() for t in territories}
    departments = {d.code: d for t in territories for d in t.departments.all()}
    return {
        "regions": sorted(regions.items(), key=lambda item: item[1]),
        "departments": [(code, str(departments[code])) for code in sorted(departments)],
        "kinds": sorted(kinds.items(), key=lambda item: item[1]),
    }


@dataclass(frozen=True)
class DirectoryMap:
    view_box: str
    departments: list[francemap.MapDepartment]
    # The text alternative: every highlighted département with its member territories.
    highlighted: list[tuple[Department, list[DirectoryEntry]]]
    not_drawn: list[tuple[Department, list[DirectoryEntry]]]  # overseas: not in the geometry
    attribution: str = francemap.ATTRIBUTION


def directory_map(entries: list[DirectoryEntry]) -> DirectoryMap:
    """The map of France with the départements of ``entries`` highlighted, and its text alternative."""
    by_department: dict[str, list[DirectoryEntry]] = defaultdict(list)
    departments: dict[str, Department] = {}
    for entry in entries:
        for department in entry.departments:
            by_department[department.code].append(entry)
            departments[department.code] = department
    notes = {
        code: ngettext("%(count)s territoire membre", "%(count)s territoires membres", len(found))
        % {"count": len(found)}
        for code, found in by_department.items()
    }
    names = {code: department.name for code, department in departments.items()}
    geometry = francemap.geometry()
    drawn = geometry.codes
    listed = [(departments[code], by_department[code]) for code in sorted(by_department)]
    return DirectoryMap(
        view_box=geometry.view_box,
        departments=francemap.departments_map(notes, names),
        highlighted=[item for item in listed if item[0].code in drawn],
        not_drawn=[item for item in listed if item[0].code not in drawn],
    )


def map_title(entries: list[DirectoryEntry]) -> str:
    count = len({d.code for entry in entries for d in entry.departments})
    return (
        ngettext(
            "Carte de France des départements : %(count)s département compte un territoire membre.",
            "Carte de France des départements : %(count)s départements comptent un territoire membre.",
            count,
        )
        % {"count": count}
        if count
        else _("Carte de France des départements : aucun territoire membre.")
    )


def is_member(territory: Territory) -> bool:
    return territories_with_valid_adhesion().filter(pk=territory.pk).exists()


def epci_on_file(territory: Territory) -> tuple[str, ...]:
    """The EPCI the directory would show if the référent made them public."""
    return _latest_epci([territory.pk]).get(territory.pk, ())
