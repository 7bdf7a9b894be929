"""The ontology's terms, closed: a typo is an error, never a new IRI.

``Class`` and ``Prop`` list every ``kg:`` class and property that
``ontology/kg.ttl`` declares (``tests/test_ontology.py`` checks that both list
the same terms). Their members are ``str`` (a :class:`~enum.StrEnum` whose
value is the local name), because records, page files and facts carry local
names and the query path never imports rdflib: ``Class.Meeting == "Meeting"``,
``Prop.chair.iri`` is the full IRI, ``.term`` its N-Triples form, ``.qname`` ``kg:chair``.
``Class.Meetin`` raises ``AttributeError``, ``Prop("chiar")`` ``ValueError``.

``KG`` is the same vocabulary as a closed rdflib ``DefinedNamespace``
(``_fail = True``, as rdflib's own namespaces), built from these two on first
use so that importing this module does not import rdflib.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kg.prefixes import DATA_IRI, KG_IRI


class Term(StrEnum):
    """A ``kg:`` term: its value is the local name."""

    @staticmethod
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> str:
        return name

    @property
    def iri(self) -> str:
        """The full IRI (the namespace is declared once, in :mod:`kg.prefixes`)."""
        return KG_IRI + self.value

    @property
    def term(self) -> str:
        """The IRI as an N-Triples term, ``<…>``."""
        return f"<{self.iri}>"

    @property
    def qname(self) -> str:
        """The prefixed name, ``kg:…`` (every export binds the prefix ``kg``)."""
        return f"kg:{self.value}"


class Class(Term):
    """Every ``owl:Class`` of ``kg:`` (the hierarchy and its ranking: :mod:`kg.ontology`)."""

    Person = "Person"
    Official = "Official"
    Post = "Post"
    Organization = "Organization"
    Place = "Place"
    Country = "Country"
    Province = "Province"
    City = "City"
    County = "County"
    Township = "Township"
    Community = "Community"
    Site = "Site"
    Meeting = "Meeting"
    InfectionChain = "InfectionChain"
    Policy = "Policy"
    Document = "Document"
    Evidence = "Evidence"
    Sentence = "Sentence"


class Prop(Term):
    """Every ``owl:ObjectProperty`` and ``owl:DatatypeProperty`` of ``kg:``."""

    holds = "holds"
    title = "title"  # type: ignore[assignment]  # kg:title hides str.title on Prop members, never called
    postIn = "postIn"
    jurisdiction = "jurisdiction"
    partOf = "partOf"
    adminCode = "adminCode"
    date = "date"
    ordinal = "ordinal"
    organizer = "organizer"
    chair = "chair"
    attendee = "attendee"
    speaker = "speaker"
    relays = "relays"
    discusses = "discusses"
    firstReported = "firstReported"
    reportedIn = "reportedIn"
    origin = "origin"
    site = "site"
    positiveCount = "positiveCount"
    confirmedCount = "confirmedCount"
    asymptomaticCount = "asymptomaticCount"
    closeContactCount = "closeContactCount"
    policyKind = "policyKind"
    appliesTo = "appliesTo"
    issuedBy = "issuedBy"
    published = "published"
    sourceFile = "sourceFile"
    encoding = "encoding"
    mentionedIn = "mentionedIn"
    inSentence = "inSentence"
    sentence = "sentence"
    charStart = "charStart"
    charEnd = "charEnd"
    lowerBound = "lowerBound"
    method = "method"


def _rdflib_namespaces() -> dict[str, Any]:
    from rdflib import Namespace, URIRef
    from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta

    body = {"_NS": Namespace(KG_IRI), "_fail": True,
            "__annotations__": {t.value: URIRef for t in (*Class, *Prop)},
            "__doc__": "The kg: ontology as a closed rdflib namespace (see kg.ns)."}
    return {"KG": DefinedNamespaceMeta("KG", (DefinedNamespace,), body), "DATA": Namespace(DATA_IRI)}


_LAZY: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    """``KG`` and ``DATA`` (rdflib objects), made on first use."""
    if name not in ("KG", "DATA"):
        raise AttributeError(f"module 'kg.ns' has no attribute {name!r}")
    if not _LAZY:
        _LAZY.update(_rdflib_namespaces())
    return _LAZY[name]
