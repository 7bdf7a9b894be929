"""Closed namespaces of the project and the prefixes every export binds.

``KG`` is closed: ``KG.Persn`` raises instead of minting a new IRI. A test
checks these terms against ``ontology/kg.ttl``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.prefixes import DATA_IRI, KG_IRI, PREFIXES  # noqa: F401


class KG(DefinedNamespace):
    _NS = Namespace(KG_IRI)
    _fail = True

    # classes
    Person: URIRef
    Official: URIRef
    Post: URIRef
    Organization: URIRef
    Place: URIRef
    Country: URIRef
    Province: URIRef
    City: URIRef
    County: URIRef
    Township: URIRef
    Community: URIRef
    Site: URIRef
    Meeting: URIRef
    InfectionChain: URIRef
    Policy: URIRef
    Document: URIRef
    Evidence: URIRef
    # properties
    holds: URIRef
    title: URIRef
    postIn: URIRef
    jurisdiction: URIRef
    partOf: URIRef
    adminCode: URIRef
    date: URIRef
    ordinal: URIRef
    organizer: URIRef
    chair: URIRef
    attendee: URIRef
    speaker: URIRef
    relays: URIRef
    discusses: URIRef
    firstReported: URIRef
    reportedIn: URIRef
    origin: URIRef
    site: URIRef
    positiveCount: URIRef
    confirmedCount: URIRef
    asymptomaticCount: URIRef
    closeContactCount: URIRef
    policyKind: URIRef
    appliesTo: URIRef
    issuedBy: URIRef
    published: URIRef
    sourceFile: URIRef
    mentionedIn: URIRef
    encoding: URIRef
    sentence: URIRef
    charStart: URIRef
    charEnd: URIRef
    lowerBound: URIRef
    method: URIRef


DATA = Namespace(DATA_IRI)
