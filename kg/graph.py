"""Entities and facts -> RDF triples shaped as CONTRACT.md says, with their evidence.

Triples are tuples of N-Triples terms (strings), in a deterministic order
(ontology first, then data sorted by subject), so that the Turtle written from
them is byte-identical run to run and writing scales to millions of triples
(no per-triple objects, no rdflib graph).
"""

from __future__ import annotations

import datetime as _dt
import heapq
import json
import re
from collections.abc import Iterable, Iterator

from kg.ns import Class, Prop
from kg.ontology import superclasses
from kg.prefixes import KG_IRI, PREFIXES
from kg.resolve import Resolution, doc_iri, short_hash

# Characters XML 1.0 forbids (and lone surrogates): never written to an export.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
XSD = PREFIXES["xsd"]
Triple = tuple[str, str, str]


_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_INT = re.compile(r'^"(-?\d+)"\^\^<http://www.w3.org/2001/XMLSchema#integer>$')
_PREFIX_OF = {ns: prefix for prefix, ns in PREFIXES.items()}


def _prefixed(value: str) -> str | None:
    """``prefix:local`` for an IRI whose namespace is a project prefix and whose local part is plain."""
    cut = max(value.rfind("#"), value.rfind("/")) + 1
    prefix = _PREFIX_OF.get(value[:cut])
    if prefix is not None and _LOCAL.fullmatch(value[cut:]):
        return f"{prefix}:{value[cut:]}"
    return None


def short_term(term: str) -> str:
    """An N-Triples term as Turtle: prefixed names for plain IRIs, integers bare, else as is."""
    if term.startswith("<"):
        return _prefixed(term[1:-1]) or term
    m = _INT.match(term)
    if m:
        return m.group(1)
    if term.endswith(">") and "^^<" in term:
        body, _, dt = term.rpartition("^^<")
        name = _prefixed(dt[:-1])
        if name:
            return f"{body}^^{name}"
    return term


def safe_text(text: str) -> str:
    """``text`` without characters that XML (GraphML) or Turtle readers refuse."""
    return _ILLEGAL.sub("", text)


def iri(value: str) -> str:
    return f"<{value}>"


def quote(text: str) -> str:
    """An N-Triples string literal body (escapes per RDF 1.1 N-Triples)."""
    body = json.dumps(safe_text(text), ensure_ascii=False)
    return body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def zh(text: str) -> str:
    return quote(text) + "@zh"


def to_literal(value: object) -> str:
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    if isinstance(value, _dt.date):
        return f'"{value.isoformat()}"^^<{XSD}date>'
    text = str(value)
    return zh(text) if _CJK.search(text) else quote(text)


TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
# Each class's N-Triples term followed by its kg: superclasses' (a Place subclass is also a kg:Place).
_TYPES: dict[str, tuple[str, ...]] = {c: (c.term, *(sup.term for sup in superclasses(c))) for c in Class}
PRED_TERM: dict[str, str] = {p: p.term for p in Prop}  # a KeyError, never a new IRI, for a predicate the ontology lacks


def ontology_triples(path) -> list[Triple]:
    """The ontology's triples as N-Triples terms, blank nodes given stable names."""
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    names: dict[str, str] = {}

    def term(t) -> str:
        if isinstance(t, ox.BlankNode):
            if t.value not in names:
                body = sorted(f"{q.predicate}|{q.object}" for q in quads if q.subject == t)
                names[t.value] = iri(f"{KG_IRI}genid-{short_hash(*body)}")
            return names[t.value]
        return str(t)

    return sorted({(term(q.subject), str(q.predicate), term(q.object)) for q in quads})


Group = tuple[str, list[tuple[str, str]]]  # a subject and its (predicate, object) pairs, sorted


def _groups(triples: list[Triple]) -> Iterator[Group]:
    i, n = 0, len(triples)
    while i < n:
        s = triples[i][0]
        j = i
        while j < n and triples[j][0] == s:
            j += 1
        yield s, [(p, o) for _, p, o in triples[i:j]]
        i = j


def _document_groups(res: Resolution) -> Iterator[Group]:
    for doc_id in sorted(res.documents, key=lambda d: iri(doc_iri(d))):
        doc = res.documents[doc_id]
        pairs = [(TYPE, Class.Document.term), (LABEL, quote(doc.source_file)),
                 (Prop.sourceFile.term, quote(doc.source_file)), (Prop.encoding.term, quote(doc.encoding))]
        if doc.published:
            pairs.append((Prop.published.term, to_literal(doc.published)))
        yield iri(doc_iri(doc_id)), sorted(set(pairs))


def _entity_groups(res: Resolution) -> Iterator[Group]:
    facts_by_subject: dict[str, list] = {}
    for fact in res.facts.values():
        facts_by_subject.setdefault(fact.subj, []).append(fact)
    subjects = sorted(set(res.entities) | set(facts_by_subject), key=iri)
    for subject in subjects:
        pairs = []
        ent = res.entities.get(subject)
        if ent is not None:
            pairs += [(TYPE, t) for t in _TYPES[ent.cls]]
            pairs.append((LABEL, zh(ent.label)))
            pairs += [(ALT, zh(alt)) for alt in ent.all_alt_labels()]
            pairs += [(Prop.mentionedIn.term, iri(doc_iri(d))) for d in ent.docs]
        for fact in facts_by_subject.get(subject, ()):
            pairs.append((PRED_TERM[fact.pred], iri(fact.obj) if fact.obj_is_entity else to_literal(fact.obj)))
        yield iri(subject), sorted(set(pairs))


def graph_groups(res: Resolution, ontology: Iterable[Triple] = ()) -> Iterator[Group]:
    """The ontology, documents and entities with their pairs, sorted by subject (evidence: kg.export).

    Documents and entities have disjoint IRI spaces, so merging their sorted
    streams keeps the output sorted without materialising it.
    """
    yield from _groups(sorted(ontology))
    yield from heapq.merge(_document_groups(res), _entity_groups(res), key=lambda g: g[0])
