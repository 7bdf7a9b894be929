"""Exporters: Turtle and GraphML, each written atomically, looked up in a registry."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter
import pyoxigraph as ox

from kg.atomic import atomic_write_bytes
from kg.graph import safe_text
from kg.resolve import Resolution

# One colour per class, for Gephi.
COLOURS = {
    "Official": "#d62728", "Person": "#ff9896", "Post": "#c5b0d5", "Organization": "#1f77b4",
    "Country": "#2ca02c", "Province": "#2ca02c", "City": "#52b352", "County": "#8fd18f",
    "Township": "#b5e3b5", "Community": "#d4efd4", "Site": "#bcbd22", "Place": "#98df8a",
    "Meeting": "#9467bd", "InfectionChain": "#8c564b", "Policy": "#e377c2",
}


def turtle_bytes(triples: list[ox.Triple]) -> bytes:
    """Turtle with every project prefix bound, in the order the triples are given."""
    from kg.prefixes import PREFIXES

    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(sorted(PREFIXES.items())))


def write_turtle(triples: list[ox.Triple], path: Path) -> None:
    atomic_write_bytes(path, turtle_bytes(triples))


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
