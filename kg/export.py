"""Exporters: Turtle and GraphML, each written atomically (or staged in a build's :class:`kg.atomic.ExportSet`)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriterLxml

from kg.atomic import atomic_open
from kg.graph import TYPE, safe_text, short_term
from kg.ns import Class, Prop
from kg.prefixes import EVIDENCE_IRI, SENTENCE_IRI, TURTLE_PREFIXES
from kg.resolve import Resolution

# One colour per class, for Gephi.
COLOURS: dict[str, str] = {
    Class.Official: "#d62728", Class.Person: "#ff9896", Class.Post: "#c5b0d5", Class.Organization: "#1f77b4",
    Class.Country: "#2ca02c", Class.Province: "#2ca02c", Class.City: "#52b352", Class.County: "#8fd18f",
    Class.Township: "#b5e3b5", Class.Community: "#d4efd4", Class.Site: "#bcbd22", Class.Place: "#98df8a",
    Class.Meeting: "#9467bd", Class.InfectionChain: "#8c564b", Class.Policy: "#e377c2",
}
# The fixed parts of an evidence node (Turtle).
_EVIDENCE_TYPES = f"a rdf:Statement , {Class.Evidence.qname} ;"
_LOWER_BOUND = f" ;\n    {Prop.lowerBound.qname} true ."
_IN_SENTENCE = Prop.inSentence.qname
# The fixed parts of a kg:Sentence node.
_SENTENCE_TYPE = f"a {Class.Sentence.qname} ;"
_SENTENCE, _START, _END = Prop.sentence.qname, Prop.charStart.qname, Prop.charEnd.qname
# Triples per evidence statement (two types, subject, predicate, object, kg:inSentence) and per kg:Sentence
# (type, prov:wasDerivedFrom, kg:sentence, kg:charStart, kg:charEnd).
EVIDENCE_TRIPLES, SENTENCE_TRIPLES = 6, 5


def turtle_chunks(groups) -> Iterator[str]:
    """Turtle text, subject by subject (no prefix lines)."""
    for s, pairs in groups:
        parts = ["\n", short_term(s)]
        i, n = 0, len(pairs)
        first = True
        while i < n:
            p = pairs[i][0]
            objs = []
            while i < n and pairs[i][0] == p:
                objs.append(short_term(pairs[i][1]))
                i += 1
            pred = "a" if p == TYPE else short_term(p)
            parts.append((" " if first else " ;\n    ") + pred + " " + " , ".join(objs))
            first = False
        parts.append(" .")
        yield "".join(parts)


def evidence_chunks(res: Resolution) -> Iterator[str]:
    """The evidence as Turtle, page by page in the order :meth:`Resolution.evidence_pages` gives them: each
    page's ``kg:Sentence`` nodes (one per sentence, however many facts it backs), then its evidence statements,
    each pointing to its sentence with ``kg:inSentence``."""
    from kg.graph import iri, to_literal, zh
    from kg.resolve import doc_iri

    # Entity IRIs have a '/' after the data namespace: never a prefixed name. Evidence and sentence IRIs
    # are written with the Turtle's own prefixes kge: and kgs: (kg.prefixes.TURTLE_PREFIXES).
    ev_cut, sentence_cut = len(EVIDENCE_IRI), len(SENTENCE_IRI)
    heads: dict[int, tuple[str, str]] = {}  # id(fact) -> its subject/predicate/object lines, its lowerBound
    for page in res.evidence_pages():
        doc_term = short_term(iri(doc_iri(page.doc_id)))
        for sn in page.sentences:
            yield (f"\nkgs:{sn.iri[sentence_cut:]} {_SENTENCE_TYPE}\n    prov:wasDerivedFrom {doc_term} ;\n"
                   f"    {_SENTENCE} {zh(sn.text)} ;\n    {_START} {sn.start} ;\n    {_END} {sn.end} .")
        for node in page.nodes:
            f = node.fact
            head = heads.get(id(f))
            if head is None:
                obj = f"<{f.obj}>" if f.obj_is_entity else short_term(to_literal(f.obj))
                pred = Prop(f.pred).qname
                lines = f"rdf:subject <{f.subj}> ;\n    rdf:predicate {pred} ;\n    rdf:object {obj} ;\n    "
                head = heads[id(f)] = (lines, _LOWER_BOUND if f.lower_bound else " .")
            yield (f"\nkge:{node.iri[ev_cut:]} {_EVIDENCE_TYPES}\n    {head[0]}{_IN_SENTENCE} "
                   f"kgs:{node.sentence[sentence_cut:]}{head[1]}")


def write_evidence_section(res: Resolution, path: Path) -> None:
    """The evidence nodes' Turtle alone, into ``path`` (a part :func:`write_turtle` appends)."""
    with open(path, "wb") as fh:
        fh.writelines(_batched(evidence_chunks(res)))


def write_turtle(res: Resolution, path: Path, ontology=(), evidence: Callable[[], Path] | None = None,
                 opener=atomic_open) -> int:
    """Stream the whole graph as Turtle into ``path`` (atomically); returns the number of triples.

    Ontology, documents and entities come first, sorted by subject; then the
    evidence, page by page: the page's sentences (read back from its page file) and the statements.
    ``evidence``, when given, returns a file holding that section already
    written (by :func:`write_evidence_section`, in another process).
    ``opener`` opens ``path`` for writing (by default: replaced when the file is complete).
    """
    from kg.graph import graph_groups

    count = sum(res.n_evidence.get(k, 0) * (EVIDENCE_TRIPLES + f.lower_bound) for k, f in res.facts.items())
    count += res.n_sentences * SENTENCE_TRIPLES

    def counted(groups):
        nonlocal count
        for s, pairs in groups:
            count += len(pairs)
            yield s, pairs

    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(TURTLE_PREFIXES.items()))
    with opener(path) as fh:
        for block in _batched(chain([header], turtle_chunks(counted(graph_groups(res, ontology))))):
            fh.write(block)
        if evidence is None:
            for block in _batched(evidence_chunks(res)):
                fh.write(block)
        else:
            with open(evidence(), "rb") as part:
                shutil.copyfileobj(part, fh, 1 << 22)
        fh.write(b"\n")
    return count


def _batched(chunks, size: int = 1 << 20) -> Iterator[bytes]:
    """UTF-8 bytes in blocks of about ``size`` characters (fewer, larger writes)."""
    buf: list[str] = []
    n = 0
    for c in chunks:
        buf.append(c)
        n += len(c)
        if n >= size:
            yield "".join(buf).encode("utf-8")
            buf, n = [], 0
    if buf:
        yield "".join(buf).encode("utf-8")


# node type -> predicate -> GraphML attribute that tells same-named nodes apart (several values joined by |)
DISTINGUISHING: dict[str, dict[str, str]] = {Class.Meeting: {Prop.date: "date", Prop.organizer: "organizer"},
                  Class.Post: {Prop.postIn: "org"}}


def to_networkx(res: Resolution) -> nx.DiGraph:
    """Entities as nodes, entity-to-entity facts as edges (evidence counted, not drawn)."""
    G = nx.DiGraph()
    for iri in sorted(res.entities):
        ent = res.entities[iri]
        G.add_node(iri, label=safe_text(ent.label), type=ent.cls, color=COLOURS.get(ent.cls, "#7f7f7f"),
                   alt_labels=safe_text("|".join(ent.all_alt_labels())), iri=iri)
    distinguishing: dict[str, dict[str, set[str]]] = {}  # same-named nodes told apart: a meeting's date, a post's org
    for key in sorted(res.facts, key=lambda k: (k[0], k[1], str(k[2]))):
        fact = res.facts[key]
        if fact.subj in G and fact.pred in DISTINGUISHING.get(G.nodes[fact.subj]["type"], ()):
            value = G.nodes[fact.obj]["label"] if fact.obj_is_entity and fact.obj in G else \
                (fact.obj.isoformat() if hasattr(fact.obj, "isoformat") else str(fact.obj))
            distinguishing.setdefault(fact.subj, {}).setdefault(DISTINGUISHING[G.nodes[fact.subj]["type"]][fact.pred],
                                                                set()).add(value)
        if not fact.obj_is_entity or fact.subj not in G or fact.obj not in G:
            continue
        G.add_edge(fact.subj, fact.obj, label=fact.pred, weight=max(1, res.n_evidence.get(key, 0)))
    for node, attrs in distinguishing.items():
        G.nodes[node].update({name: safe_text("|".join(sorted(values))) for name, values in attrs.items()})
    for node in G.nodes:
        G.nodes[node]["size"] = float(4 + 2 * G.degree(node))
    for _, data in G.nodes(data=True):
        r, g_, b = (int(data["color"][i:i + 2], 16) for i in (1, 3, 5))
        data.update(r=r, g=g_, b=b)
    return G


class _Writer(GraphMLWriterLxml):
    """GraphML streamed by lxml, with readable key ids: node keys named as their attribute, edge keys ``e_``-prefixed.

    Gephi takes a key whose id or name is ``label`` as the label; networkx's
    default ids (``d0``…) can make it read the wrong attribute.
    """

    def get_key(self, name, attr_type, scope, default):
        keys_key = (name, attr_type, scope)
        if keys_key not in self.keys:
            new_id = name if scope == "node" else f"e_{name}"
            self.keys[keys_key] = new_id
            element = self.myElement("key", **{"id": new_id, "for": scope, "attr.name": name,
                                                "attr.type": attr_type})
            self.xml.insert(0, element)
        return self.keys[keys_key]


def write_graphs(res: Resolution, out: Path, opener=atomic_open) -> None:
    """``kg.graphml`` and ``kg.gexf`` in ``out``, from one entity graph (each file through ``opener``)."""
    from kg.gexf import write_gexf

    graph = to_networkx(res)
    write_graphml(res, out / "kg.graphml", opener=opener, graph=graph)
    write_gexf(res, out / "kg.gexf", opener=opener, graph=graph)


def write_graphml(res: Resolution, path: Path, opener=atomic_open, graph: nx.DiGraph | None = None) -> None:
    """The entity graph as GraphML for Gephi, networkx and igraph (written atomically); ``graph`` is
    :func:`to_networkx` of ``res`` when the caller has it already."""
    G = to_networkx(res) if graph is None else graph
    with opener(path) as fh:
        _Writer(fh, graph=G, encoding="utf-8", prettyprint=True).dump()

