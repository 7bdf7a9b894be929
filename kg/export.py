"""Exporters: Turtle and GraphML, each written atomically, looked up in a registry."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from kg.atomic import atomic_write_bytes, atomic_write_chunks
from kg.graph import safe_text
from kg.resolve import Resolution

# One colour per class, for Gephi.
COLOURS = {
    "Official": "#d62728", "Person": "#ff9896", "Post": "#c5b0d5", "Organization": "#1f77b4",
    "Country": "#2ca02c", "Province": "#2ca02c", "City": "#52b352", "County": "#8fd18f",
    "Township": "#b5e3b5", "Community": "#d4efd4", "Site": "#bcbd22", "Place": "#98df8a",
    "Meeting": "#9467bd", "InfectionChain": "#8c564b", "Policy": "#e377c2",
}


_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_INT = re.compile(r'^"(-?\d+)"\^\^<http://www.w3.org/2001/XMLSchema#integer>$')


def _short(term: str, prefixes: list[tuple[str, str]]) -> str:
    """A prefixed name for an IRI term when its local part is plain; numbers bare; else as is."""
    if term.startswith("<"):
        value = term[1:-1]
        for prefix, ns in prefixes:
            if value.startswith(ns) and _LOCAL.fullmatch(value[len(ns):]):
                return f"{prefix}:{value[len(ns):]}"
        return term
    m = _INT.match(term)
    if m:
        return m.group(1)
    if term.endswith(">") and "^^<" in term:
        body, _, dt = term.rpartition("^^<")
        for prefix, ns in prefixes:
            if dt[:-1].startswith(ns) and _LOCAL.fullmatch(dt[len(ns):-1]):
                return f"{body}^^{prefix}:{dt[len(ns):-1]}"
    return term


def turtle_chunks(groups) -> Iterator[str]:
    """Turtle text, subject by subject, with every project prefix bound."""
    from kg.prefixes import PREFIXES

    prefixes = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(PREFIXES.items()))
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    for s, pairs in groups:
        parts = ["\n", _short(s, prefixes)]
        i, n = 0, len(pairs)
        first = True
        while i < n:
            p = pairs[i][0]
            objs = []
            while i < n and pairs[i][0] == p:
                objs.append(_short(pairs[i][1], prefixes))
                i += 1
            pred = "a" if p == rdf_type else _short(p, prefixes)
            parts.append((" " if first else " ;\n    ") + pred + " " + " , ".join(objs))
            first = False
        parts.append(" .")
        yield "".join(parts)
    yield "\n"


def write_turtle(groups, path: Path) -> int:
    """Stream Turtle into ``path`` (atomically); returns the number of triples written."""
    count = 0

    def counted():
        nonlocal count
        for s, pairs in groups:
            count += len(pairs)
            yield s, pairs

    atomic_write_chunks(path, (c.encode("utf-8") for c in turtle_chunks(counted())))
    return count


def to_networkx(res: Resolution) -> nx.DiGraph:
    """Entities as nodes, entity-to-entity facts as edges (evidence counted, not drawn)."""
    G = nx.DiGraph()
    for iri in sorted(res.entities):
        ent = res.entities[iri]
        G.add_node(iri, label=safe_text(ent.label), type=ent.cls, color=COLOURS.get(ent.cls, "#7f7f7f"),
                   alt_labels=safe_text("|".join(ent.all_alt_labels())), iri=iri)
    for key in sorted(res.facts, key=lambda k: (k[0], k[1], str(k[2]))):
        fact = res.facts[key]
        if not fact.obj_is_entity or fact.subj not in G or fact.obj not in G:
            continue
        G.add_edge(fact.subj, fact.obj, label=fact.pred, weight=max(1, len(fact.evidence)))
    for node in G.nodes:
        G.nodes[node]["size"] = float(4 + 2 * G.degree(node))
    for node, data in G.nodes(data=True):
        r, g_, b = (int(data["color"][i:i + 2], 16) for i in (1, 3, 5))
        data.update(r=r, g=g_, b=b)
    return G


class _Writer(GraphMLWriter):
    """GraphML with readable key ids: node keys named as their attribute, edge keys ``e_``-prefixed.

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


def write_graphml(res: Resolution, path: Path) -> None:
    G = to_networkx(res)
    writer = _Writer(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(G)
    buf = io.BytesIO()
    writer.dump(buf)
    atomic_write_bytes(path, buf.getvalue())


EXPORTERS: dict[str, Callable] = {"kg.ttl": write_turtle, "kg.graphml": write_graphml}
