"""The ontology next to the code: where its files are, its class hierarchy and the classes' ranking.

The terms themselves are :mod:`kg.ns`. The hierarchy below is the ``kg:``
part of ``ontology/kg.ttl``'s ``rdfs:subClassOf`` (``tests/test_ontology.py``
checks they agree); the ranking, which the Turtle does not say, is defined
here once and used by extraction, resolution, export and query alike.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from kg.ns import Class, Prop


def ontology_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data", "ontology", "kg.ttl")))


def shapes_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data", "ontology", "shapes.ttl")))


PLACE_CLASSES: tuple[Class, ...] = (
    Class.Country, Class.Province, Class.City, Class.County, Class.Township, Class.Community, Class.Site,
    Class.Place)
"""Every place class, in administrative rank: largest first, ``Site`` below ``Community``, and
``Place`` (a place whose level is unknown) last."""

PERSON_CLASSES: tuple[Class, ...] = (Class.Official, Class.Person)
"""Person classes, most specific first."""

PARENT: dict[Class, Class] = {Class.Official: Class.Person} | {c: Class.Place for c in PLACE_CLASSES[:-1]}
"""Each ``kg:`` class's ``kg:`` superclass (classes without one are not listed)."""

PLACE_RANK: dict[str, int] = {c: i for i, c in enumerate(PLACE_CLASSES)}
"""A place class's administrative rank (0 = country); a smaller rank contains a larger one."""

CLASS_RANK: dict[str, int] = {c: i for i, c in enumerate(PERSON_CLASSES)} | PLACE_RANK
"""Which class wins when mentions of one entity disagree: the lowest rank (ranks compare within a family)."""

FAMILY: dict[str, str] = {**{c: "place" for c in PLACE_CLASSES}, **{c: "person" for c in PERSON_CLASSES}}
"""Classes whose mentions may be one entity share a family (the family is part of the entity's IRI);
every other class is a family of its own, named in lower case."""


NAME_FACTS: frozenset[str] = frozenset(
    {Prop.adminCode, Prop.title, Prop.postIn, Prop.jurisdiction, Prop.policyKind})
"""Predicates whose facts the subject's name fixes, on every page that names it: a place's code (its
gazetteer entry), a post's title, organization and jurisdiction (a post's key is its title and its
organization's), an organization's jurisdiction (the place in its name), a policy's kind (read from its
name). Their evidence is the first page that names the subject (``kg.resolve.GIVEN_CAP``)."""


def family(cls: str) -> str:
    return FAMILY.get(cls, cls.lower())


def superclasses(cls: str) -> tuple[Class, ...]:
    """``cls``'s ``kg:`` superclasses, nearest first."""
    out: list[Class] = []
    c = Class(cls)
    while c in PARENT:
        c = PARENT[c]
        out.append(c)
    return tuple(out)


def subclasses(cls: str) -> frozenset[Class]:
    """``cls`` and every ``kg:`` class below it."""
    return frozenset(c for c in Class if c == cls or cls in superclasses(c))


@cache
def terms() -> tuple[frozenset[str], frozenset[str]]:
    """Local names of the ``kg:`` classes and properties the ontology declares.

    Records read back from disk (page files, ``kg merge`` input) may name only
    these: a class or predicate becomes part of an IRI in the exports.
    """
    return frozenset(Class), frozenset(Prop)
