"""Entities and facts -> an rdflib graph shaped as CONTRACT.md says, with evidence."""

from __future__ import annotations

import datetime as _dt
import re

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS

from kg.ns import KG, PREFIXES
from kg.resolve import PLACE_CLASSES, Resolution, doc_iri, literal_sort_key, short_hash
from kg.prefixes import DATA_IRI

# Characters XML 1.0 forbids (and lone surrogates): never written to an export.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def safe_text(text: str) -> str:
    """``text`` without characters that XML (GraphML) or Turtle readers refuse."""
    return _ILLEGAL.sub("", text)


def zh(text: str) -> Literal:
    return Literal(safe_text(text), lang="zh")


def to_literal(value: object) -> Literal:
    if isinstance(value, bool):
        return Literal(value)
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, _dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    text = str(value)
    return zh(text) if _CJK.search(text) else Literal(safe_text(text))


def bind_prefixes(g: Graph) -> Graph:
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, override=True, replace=True)
    return g


def build_graph(res: Resolution, ontology: Graph | None = None) -> Graph:
    """The export graph: ontology terms, documents, entities, facts and their evidence."""
    g = bind_prefixes(Graph())
    if ontology is not None:
        for t in ontology:
            g.add(t)
    for doc_id in sorted(res.documents):
        doc = res.documents[doc_id]
        d = URIRef(doc_iri(doc_id))
        g.add((d, RDF.type, KG.Document))
        g.add((d, RDFS.label, Literal(safe_text(doc.source_file))))
        g.add((d, KG.sourceFile, Literal(safe_text(doc.source_file))))
        g.add((d, KG.encoding, Literal(doc.encoding)))
        if doc.published:
            g.add((d, KG.published, Literal(doc.published.isoformat(), datatype=XSD.date)))
    for iri in sorted(res.entities):
        ent = res.entities[iri]
        s = URIRef(iri)
        cls = ent.cls
        g.add((s, RDF.type, KG[cls]))
        if cls == "Official":
            g.add((s, RDF.type, KG.Person))
        elif cls in PLACE_CLASSES and cls != "Place":
            g.add((s, RDF.type, KG.Place))
        g.add((s, RDFS.label, zh(ent.label)))
        for alt in ent.all_alt_labels():
            g.add((s, SKOS.altLabel, zh(alt)))
        for doc_id in sorted(ent.docs):
            g.add((s, KG.mentionedIn, URIRef(doc_iri(doc_id))))
    for key in sorted(res.facts, key=lambda k: (k[0], k[1], str(k[2]))):
        fact = res.facts[key]
        s, p = URIRef(fact.subj), KG[fact.pred]
        o = URIRef(fact.obj) if fact.obj_is_entity else to_literal(fact.obj)
        g.add((s, p, o))
        obj_id = fact.obj if fact.obj_is_entity else literal_sort_key(fact.obj)
        for ev in sorted(fact.evidence, key=lambda e: (e.doc_id, e.start, e.end)):
            e = URIRef(f"{DATA_IRI}evidence/{short_hash(fact.subj, fact.pred, obj_id, ev.doc_id, ev.start, ev.end)}")
            g.add((e, RDF.type, RDF.Statement))
            g.add((e, RDF.type, KG.Evidence))
            g.add((e, RDF.subject, s))
            g.add((e, RDF.predicate, p))
            g.add((e, RDF.object, o))
            g.add((e, PROV.wasDerivedFrom, URIRef(doc_iri(ev.doc_id))))
            g.add((e, KG.sentence, zh(ev.sentence)))
            g.add((e, KG.charStart, Literal(ev.start, datatype=XSD.integer)))
            g.add((e, KG.charEnd, Literal(ev.end, datatype=XSD.integer)))
            if fact.lower_bound:
                g.add((e, KG.lowerBound, Literal(True)))
    return g
