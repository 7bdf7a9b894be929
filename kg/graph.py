"""Entities and facts -> RDF triples shaped as CONTRACT.md says, with their evidence.

Triples are tuples of N-Triples terms (strings), in a deterministic order
(ontology first, then data sorted by subject), so that the Turtle written from
them is byte-identical run to run and writing scales to millions of triples
(no per-triple objects, no rdflib graph).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Iterable

from kg.prefixes import DATA_IRI, KG_IRI, PREFIXES
from kg.resolve import PLACE_CLASSES, Resolution, doc_iri, literal_sort_key, short_hash

# Characters XML 1.0 forbids (and lone surrogates): never written to an export.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]
Triple = tuple[str, str, str]


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


KG = {name: iri(KG_IRI + name) for name in (
    "Document", "Person", "Place", "Evidence", "sourceFile", "encoding", "published", "mentionedIn", "sentence",
    "charStart", "charEnd", "lowerBound")}
TYPE, LABEL, ALT = iri(RDF + "type"), iri(PREFIXES["rdfs"] + "label"), iri(PREFIXES["skos"] + "altLabel")
EV_PROPS = [iri(RDF + "subject"), iri(RDF + "predicate"), iri(RDF + "object"),
            iri(PREFIXES["prov"] + "wasDerivedFrom"), KG["sentence"], KG["charStart"], KG["charEnd"], KG["lowerBound"]]
STATEMENT = iri(RDF + "Statement")


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


def data_triples(res: Resolution) -> list[Triple]:
    """Documents, entities, facts and evidence of a resolution, sorted."""
    out: list[Triple] = []
    add = out.append
    for doc_id in sorted(res.documents):
        doc = res.documents[doc_id]
        d = iri(doc_iri(doc_id))
        add((d, TYPE, KG["Document"]))
        add((d, LABEL, quote(doc.source_file)))
        add((d, KG["sourceFile"], quote(doc.source_file)))
        add((d, KG["encoding"], quote(doc.encoding)))
        if doc.published:
            add((d, KG["published"], to_literal(doc.published)))
    for key in sorted(res.entities):
        ent = res.entities[key]
        s = iri(key)
        cls = ent.cls
        add((s, TYPE, iri(KG_IRI + cls)))
        if cls == "Official":
            add((s, TYPE, KG["Person"]))
        elif cls in PLACE_CLASSES and cls != "Place":
            add((s, TYPE, KG["Place"]))
        add((s, LABEL, zh(ent.label)))
        for alt in ent.all_alt_labels():
            add((s, ALT, zh(alt)))
        for doc_id in sorted(ent.docs):
            add((s, KG["mentionedIn"], iri(doc_iri(doc_id))))
    for key in sorted(res.facts, key=lambda k: (k[0], k[1], str(k[2]))):
        fact = res.facts[key]
        s, p = iri(fact.subj), iri(KG_IRI + fact.pred)
        o = iri(fact.obj) if fact.obj_is_entity else to_literal(fact.obj)
        add((s, p, o))
        obj_id = fact.obj if fact.obj_is_entity else literal_sort_key(fact.obj)
        for ev in sorted(fact.evidence, key=lambda e: (e.doc_id, e.start, e.end)):
            e = iri(f"{DATA_IRI}evidence/{short_hash(fact.subj, fact.pred, obj_id, ev.doc_id, ev.start, ev.end)}")
            add((e, TYPE, STATEMENT))
            add((e, TYPE, KG["Evidence"]))
            values = [s, p, o, iri(doc_iri(ev.doc_id)), zh(ev.sentence), to_literal(ev.start), to_literal(ev.end)]
            if fact.lower_bound:
                values.append(to_literal(True))
            for prop, value in zip(EV_PROPS, values):
                add((e, prop, value))
    return sorted(set(out))


def all_triples(res: Resolution, ontology: Iterable[Triple] = ()) -> list[Triple]:
    return list(ontology) + data_triples(res)
