"""Small golden graphs: a page of hand-written sentences -> the entities and facts kg makes of it.

The graph compared is what the export says about entities: their classes,
labels, alternative labels and facts (``rdf:type``, ``rdfs:label``,
``skos:altLabel``, every ``kg:`` property except ``kg:mentionedIn``). Left out:
the ontology, documents and evidence nodes (``test_build.py`` checks those on
the seed build) and entity IRIs, which are hashes: every entity becomes a
blank node, so a golden file names its entities ``_:person_王明`` and the
comparison is graph isomorphism (:func:`rdflib.compare.to_isomorphic`); a difference is shown as
:func:`rdflib.compare.graph_diff` computes it, on canonical graphs, with entities by their labels.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph, to_isomorphic
from rdflib.namespace import RDFS

from kg.ns import KG, Class, Prop
from kg.ontology import CLASS_RANK
from kg.prefixes import DATA_IRI, PREFIXES

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = tomllib.loads((GOLDEN / "cases.toml").read_text(encoding="utf-8"))
SKIPPED = {URIRef(Prop.mentionedIn.iri)}


def produced(name: str) -> Graph:
    """The entity graph kg builds from ``golden/<name>.txt`` with the page metadata of cases.toml."""
    from kg.extract import extract_batch
    from kg.graph import graph_groups
    from kg.model import Document
    from kg.resolve import Resolver

    meta = CASES[name]
    text = (GOLDEN / f"{name}.txt").read_text(encoding="utf-8")
    published = meta.get("published")
    doc = Document(f"golden/{name}.txt", f"{name}.txt", text, published=published,
                   year=meta.get("year") or (published.year if isinstance(published, dt.date) else None),
                   home_city=meta.get("home_city"), home_province=meta.get("home_province"))
    [record] = extract_batch([doc])
    resolver = Resolver()
    resolver.add(record)
    lines = [f"{s} {p} {o} ." for s, pairs in graph_groups(resolver.resolve()) for p, o in pairs]
    whole = Graph().parse(data="\n".join(lines), format="nt")
    entity = f"{DATA_IRI}"
    nodes: dict[URIRef, BNode] = {}

    def node(t):
        if isinstance(t, URIRef) and str(t).startswith(entity):
            return nodes.setdefault(t, BNode())
        return t

    g = Graph()
    for s, p, o in whole:
        if p in SKIPPED or (s, URIRef(PREFIXES["rdf"] + "type"), KG.Document) in whole:
            continue
        g.add((node(s), p, node(o)))
    return g


def expected(name: str) -> Graph:
    return Graph().parse(GOLDEN / f"{name}.ttl", format="turtle")


def _show(g: Graph, a: Graph) -> list[str]:
    """The triples of ``g`` as lines, each blank node shown by its label in ``a``."""
    def term(t) -> str:
        if isinstance(t, BNode):
            return f"[{a.value(t, RDFS.label) or '?'}]"
        if isinstance(t, URIRef):
            return g.namespace_manager.normalizeUri(t)
        return t.n3(g.namespace_manager) if isinstance(t, Literal) else str(t)

    return sorted(f"{term(s)} {term(p)} {term(o)}" for s, p, o in g)


def difference(got: Graph, want: Graph) -> str:
    """'' when the graphs are isomorphic, else the triples only in one of them (what ``graph_diff`` gives)."""
    if to_isomorphic(got) == to_isomorphic(want):
        return ""
    a, b = to_canonical_graph(got), to_canonical_graph(want)  # blank nodes named by their place in the graph
    lines = []
    for title, mine, theirs in (("only in what kg made:", a, b), ("only in the golden file:", b, a)):
        part = Graph()
        for prefix, ns in PREFIXES.items():
            part.bind(prefix, ns)
        for t in mine - theirs:
            part.add(t)
        shown = _show(part, a=mine)
        lines += [title, *("  " + t for t in shown)]
    return "\n".join(lines)


_NOT_NAME = re.compile(r"[^\w\u4e00-\u9fff]")


def to_turtle(g: Graph) -> str:
    """``g`` as Turtle with its blank nodes named by family and label (how golden files are written)."""
    names: dict[BNode, str] = {}
    for s in sorted({s for s in g.subjects() if isinstance(s, BNode)}, key=lambda s: str(g.value(s, RDFS.label))):
        cls = min((str(t).rsplit("#", 1)[-1] for t in g.objects(s, URIRef(PREFIXES["rdf"] + "type"))),
                  key=lambda c: (CLASS_RANK.get(c, 0) if c in (Class.Place, Class.Person) else -1, c))
        base = f"{cls}_{_NOT_NAME.sub('', str(g.value(s, RDFS.label) or ''))}"
        name, n = base, 1
        while name in names.values():
            n += 1
            name = f"{base}_{n}"
        names[s] = name
    out = Graph()
    text = []
    for prefix in ("kg", "rdfs", "skos", "xsd"):
        out.bind(prefix, PREFIXES[prefix])
        text.append(f"@prefix {prefix}: <{PREFIXES[prefix]}> .")
    text.append("")

    def term(t) -> str:
        if isinstance(t, BNode):
            return f"_:{names[t]}"
        if isinstance(t, URIRef):
            return "a" if str(t) == PREFIXES["rdf"] + "type" else out.namespace_manager.normalizeUri(t)
        return t.n3(out.namespace_manager)

    for s in sorted(names, key=lambda s: names[s]):
        objects: dict[str, list[str]] = {}
        for p, o in sorted((term(p), term(o)) for p, o in g.predicate_objects(s)):
            objects.setdefault(p, []).append(o)
        order = sorted(objects, key=lambda p: (p != "a", p != "rdfs:label", p))
        body = " ;\n    ".join(f"{p} {' , '.join(objects[p])}" for p in order)
        text.append(f"_:{names[s]} {body} .\n")
    return "\n".join(text)
