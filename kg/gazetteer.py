"""The place gazetteer: China's administrative divisions with codes, parents and short names.

Data: ``kg/data/places.tsv`` (regenerate with ``scripts/make_places.py``),
``place_abbrev.tsv`` (one-character abbreviations in context) and
``place_stoplist.txt`` (short forms that are also common words).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.ns import Class


@dataclass(frozen=True)
class Place:
    code: str  # national code (140121), or parent/name for townships without one
    name: str
    level: str  # Country, Province, City, County, Township
    parent: str  # parent code, "" for the country
    aliases: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.code


def data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", *name.split("/")).read_text(encoding="utf-8")


def data_rows(name: str) -> list[list[str]]:
    """Tab-separated rows of a data file, without comments and the header."""
    rows = [line.split("\t") for line in data_text(name).splitlines() if line.strip() and not line.startswith("#")]
    return rows[1:]


class Gazetteer:
    def __init__(self, places: list[Place], stoplist: set[str]) -> None:
        self.places = {p.code: p for p in places}
        self.stoplist = stoplist
        self.by_name: dict[str, list[str]] = defaultdict(list)
        # short county names that are also words (和顺, 郊区): read only beside their sibling counties
        self.stopped_counties: dict[str, list[str]] = defaultdict(list)
        for p in places:
            self.by_name[p.name].append(p.code)
            for alias in p.aliases:
                if len(alias) >= 2 and alias not in stoplist and p.level != Class.Township:
                    self.by_name[alias].append(p.code)
                elif len(alias) >= 2 and p.level == Class.County:
                    self.stopped_counties[alias].append(p.code)
        for codes in self.by_name.values():
            codes.sort()
        # memoised walks up the hierarchy (asked many times per page)
        self._ancestors: dict[str, tuple[Place, ...]] = {}
        self._within: dict[str, frozenset[str]] = {}

    def get(self, code: str) -> Place | None:
        return self.places.get(code)

    def ancestors(self, code: str) -> list[Place]:
        """Parents of ``code``, nearest first, up to the country."""
        found = self._ancestors.get(code)
        if found is None:
            out, seen = [], set()
            place = self.places.get(code)
            while place and place.parent and place.parent not in seen:
                seen.add(place.parent)
                place = self.places.get(place.parent)
                if place:
                    out.append(place)
            found = self._ancestors[code] = tuple(out)
        return list(found)

    def is_within(self, code: str, ancestor: str) -> bool:
        within = self._within.get(code)
        if within is None:
            within = self._within[code] = frozenset(p.code for p in self.ancestors(code))
        return ancestor in within

    def pick(self, name: str, context: list[str]) -> str | None:
        """The code ``name`` means, given codes already seen nearby (nearest first)."""
        codes = self.by_name.get(name, [])
        if len(codes) <= 1:
            return codes[0] if codes else None
        for ctx in context:
            inside = [c for c in codes if c == ctx or self.is_within(c, ctx)]
            if len(inside) == 1:
                return inside[0]
            near = [c for c in codes if any(self.is_within(ctx, a.code) and a.level != Class.Country
                                             for a in [self.places[c]] + self.ancestors(c))]
            if len(near) == 1:
                return near[0]
        # a province or city name beats a same-named county elsewhere
        top = [c for c in codes if self.places[c].level in (Class.Province, Class.City, Class.Country)]
        return top[0] if len(top) == 1 else None


@cache
def gazetteer() -> Gazetteer:
    stop = {w.strip() for w in data_text("place_stoplist.txt").splitlines() if w.strip() and not w.startswith("#")}
    places = []
    for row in data_rows("places.tsv"):
        code, name, level, parent = row[:4]
        aliases = tuple(a for a in (row[4] if len(row) > 4 else "").split("|") if a)
        places.append(Place(code, name, level, parent, aliases))
    return Gazetteer(places, stop)
