"""Entities and facts -> RDF triples shaped as CONTRACT.md says, with their evidence.

Triples are pyoxigraph terms in a deterministic order (ontology first, then data
sorted by subject), so the Turtle written from them is byte-identical run to run
and the writer scales to millions of triples.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from kg.ns import KG
from kg.prefixes import DATA_IRI
from kg.resolve import PLACE_CLASSES, Resolution, doc_iri, literal_sort_key, short_hash

# Characters XML 1.0 forbids (and lone surrogates): never written to an export.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


_TYPE, _LABEL, _ALT = N(RDF.type), N(RDFS.label), N(SKOS.altLabel)
_INT, _DATE, _BOOL = N(XSD.integer), N(XSD.date), N(XSD.boolean)


def safe_text(text: str) -> str:
    """``text`` without characters that XML (GraphML) or Turtle readers refuse."""
    return _ILLEGAL.sub("", text)


def zh(text: str) -> ox.Literal:
    return ox.Literal(safe_text(text), language="zh")


def to_literal(value: object) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_BOOL)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_INT)
    if isinstance(value, _dt.date):
        return ox.Literal(value.isoformat(), datatype=_DATE)
    text = str(value)
    return zh(text) if _CJK.search(text) else ox.Literal(safe_text(text))


def ontology_triples(path) -> list[ox.Triple]:
    """The ontology's triples, with any blank node given a stable name (deterministic output)."""
    triples = [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    names: dict[str, ox.NamedNode] = {}

    def fix(term):
        if isinstance(term, ox.BlankNode):
            if term.value not in names:
                body = sorted(f"{t.predicate}|{t.object}" for t in triples if t.subject == term)
                names[term.value] = N(f"{KG._NS}genid-{short_hash(*body)}")
            return names[term.value]
        return term

    return sorted({ox.Triple(fix(t.subject), t.predicate, fix(t.object)) for t in triples}, key=str)


def data_triples(res: Resolution) -> list[ox.Triple]:
    """Documents, entities, facts and evidence of a resolution, sorted."""
    out: list[ox.Triple] = []
    add = out.append
    for doc_id in sorted(res.documents):
        doc = res.documents[doc_id]
        d = N(doc_iri(doc_id))
        add(ox.Triple(d, _TYPE, N(KG.Document)))
        add(ox.Triple(d, _LABEL, ox.Literal(safe_text(doc.source_file))))
        add(ox.Triple(d, N(KG.sourceFile), ox.Literal(safe_text(doc.source_file))))
        add(ox.Triple(d, N(KG.encoding), ox.Literal(doc.encoding)))
        if doc.published:
            add(ox.Triple(d, N(KG.published), to_literal(doc.published)))
    for iri in sorted(res.entities):
        ent = res.entities[iri]
        s = N(iri)
        cls = ent.cls
        add(ox.Triple(s, _TYPE, N(KG[cls])))
        if cls == "Official":
            add(ox.Triple(s, _TYPE, N(KG.Person)))
        elif cls in PLACE_CLASSES and cls != "Place":
            add(ox.Triple(s, _TYPE, N(KG.Place)))
        add(ox.Triple(s, _LABEL, zh(ent.label)))
        for alt in ent.all_alt_labels():
            add(ox.Triple(s, _ALT, zh(alt)))
        for doc_id in sorted(ent.docs):
            add(ox.Triple(s, N(KG.mentionedIn), N(doc_iri(doc_id))))
    ev_props = [N(x) for x in (RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom, KG.sentence,
                               KG.charStart, KG.charEnd, KG.lowerBound)]
    ev_types = [N(RDF.Statement), N(KG.Evidence)]
    for key in sorted(res.facts, key=lambda k: (k[0], k[1], str(k[2]))):
        fact = res.facts[key]
        s, p = N(fact.subj), N(KG[fact.pred])
        o = N(fact.obj) if fact.obj_is_entity else to_literal(fact.obj)
        add(ox.Triple(s, p, o))
        obj_id = fact.obj if fact.obj_is_entity else literal_sort_key(fact.obj)
        for ev in sorted(fact.evidence, key=lambda e: (e.doc_id, e.start, e.end)):
            e = N(f"{DATA_IRI}evidence/{short_hash(fact.subj, fact.pred, obj_id, ev.doc_id, ev.start, ev.end)}")
            for t in ev_types:
                add(ox.Triple(e, _TYPE, t))
            values = [s, p, o, N(doc_iri(ev.doc_id)), zh(ev.sentence), to_literal(ev.start), to_literal(ev.end)]
            if fact.lower_bound:
                values.append(to_literal(True))
            for prop, value in zip(ev_props, values):
                add(ox.Triple(e, prop, value))
    out = sorted(set(out), key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))
    return out


def all_triples(res: Resolution, ontology: Iterable[ox.Triple] = ()) -> list[ox.Triple]:
    return list(ontology) + data_triples(res)
