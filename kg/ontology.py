"""Where the ontology and the SHACL shapes are (packaged copies of ``ontology/``), and its terms."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


def ontology_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data", "ontology", "kg.ttl")))


def shapes_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data", "ontology", "shapes.ttl")))


@cache
def terms() -> tuple[frozenset[str], frozenset[str]]:
    """Local names of the ``kg:`` classes and properties the ontology declares.

    Records read back from disk (page files, ``kg merge`` input) may name only
    these: a class or predicate becomes part of an IRI in the exports.
    """
    import pyoxigraph as ox

    from kg.prefixes import KG_IRI

    owl = "http://www.w3.org/2002/07/owl#"
    kinds = {f"{owl}Class": 0, f"{owl}ObjectProperty": 1, f"{owl}DatatypeProperty": 1}
    found: tuple[set[str], set[str]] = (set(), set())
    for q in ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE):
        kind = kinds.get(q.object.value) if q.predicate.value.endswith("#type") else None
        if kind is not None and isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(KG_IRI):
            found[kind].add(q.subject.value.removeprefix(KG_IRI))
    return frozenset(found[0]), frozenset(found[1])
