"""GEXF 1.3 export for Gephi: the GraphML's nodes and edges, with time, so Gephi's timeline plays the year.

Nodes, labels, types, colours and sizes come from :func:`kg.export.to_networkx`
(the same graph the GraphML is written from). Time (``start``/``end``,
``timeformat="date"``): a meeting on its date, an infection chain from the
day it was first reported, a post over the publication dates of the pages
that name it; a meeting or chain with no date of its own over the pages that
name it. An edge tied to a meeting or chain takes that event's time, one
tied to a post the post's. Built with lxml in sorted order: deterministic.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from lxml import etree

from kg.atomic import atomic_open
from kg.ns import Class, Prop
from kg.resolve import Resolution

NS = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"
EVENTS = (Class.Meeting, Class.InfectionChain)  # classes with a date of their own (``DATED``)
DATED = (Prop.date, Prop.firstReported)
TIMED = (*EVENTS, Class.Post)
NODE_ATTRS = (("type", "string"), ("alt_labels", "string"), ("iri", "anyURI"))


def node_times(res: Resolution) -> dict[str, tuple[str, str]]:
    """IRI -> (start, end) ISO dates for meetings, chains and posts."""
    own: dict[str, list[_dt.date]] = {}
    for fact in res.facts.values():
        if fact.pred in DATED and isinstance(fact.obj, _dt.date):
            own.setdefault(fact.subj, []).append(fact.obj)
    times = {}
    for iri, ent in res.entities.items():
        if ent.cls not in TIMED:
            continue
        dates = own.get(iri) if ent.cls != Class.Post else None
        if not dates:
            dates = [d.published for d in (res.documents.get(doc) for doc in ent.docs)
                     if d is not None and d.published is not None]
        if dates:
            times[iri] = (min(dates).isoformat(), max(dates).isoformat())
    return times


def edge_time(cls_s: str, cls_o: str, t_s, t_o):
    """An edge's time: its meeting's or chain's, else its post's."""
    for cls, t in ((cls_s, t_s), (cls_o, t_o)):
        if t and cls in EVENTS:
            return t
    return t_s or t_o


def write_gexf(res: Resolution, path: Path, opener=atomic_open, graph=None) -> None:
    """The entity graph as GEXF 1.3 with dynamic time (written atomically, or by ``opener``:
    a build's :class:`kg.atomic.ExportSet`, so that it is replaced with the other exports)."""
    from kg.export import to_networkx

    G = to_networkx(res) if graph is None else graph  # the GraphML's graph, when the caller has it
    times = node_times(res)
    root = etree.Element(f"{{{NS}}}gexf", nsmap={None: NS, "viz": VIZ}, version="1.3")
    meta = etree.SubElement(root, f"{{{NS}}}meta")
    etree.SubElement(meta, f"{{{NS}}}creator").text = "kg"
    etree.SubElement(meta, f"{{{NS}}}description").text = (
        "Officials, organizations, places, meetings, infection chains and policies from Chinese "
        "government news; time on meetings, chains, posts and their edges.")
    graph = etree.SubElement(root, f"{{{NS}}}graph", defaultedgetype="directed", mode="dynamic", timeformat="date")
    attrs = etree.SubElement(graph, f"{{{NS}}}attributes", {"class": "node"})
    for name, kind in NODE_ATTRS:
        etree.SubElement(attrs, f"{{{NS}}}attribute", id=name, title=name, type=kind)
    nodes = etree.SubElement(graph, f"{{{NS}}}nodes", count=str(G.number_of_nodes()))
    for n in sorted(G.nodes):
        data = G.nodes[n]
        el = etree.SubElement(nodes, f"{{{NS}}}node", id=n, label=data["label"])
        if n in times:
            el.set("start", times[n][0])
            el.set("end", times[n][1])
        values = etree.SubElement(el, f"{{{NS}}}attvalues")
        for name, _ in NODE_ATTRS:
            etree.SubElement(values, f"{{{NS}}}attvalue", {"for": name, "value": str(data[name])})
        etree.SubElement(el, f"{{{VIZ}}}color", r=str(data["r"]), g=str(data["g"]), b=str(data["b"]))
        etree.SubElement(el, f"{{{VIZ}}}size", value=f"{data['size']:g}")
    edges = etree.SubElement(graph, f"{{{NS}}}edges", count=str(G.number_of_edges()))
    for i, (s, o) in enumerate(sorted(G.edges)):
        data = G.edges[s, o]
        el = etree.SubElement(edges, f"{{{NS}}}edge", id=str(i), source=s, target=o, label=data["label"],
                              weight=str(data["weight"]))
        t = edge_time(G.nodes[s]["type"], G.nodes[o]["type"], times.get(s), times.get(o))
        if t:
            el.set("start", t[0])
            el.set("end", t[1])
    with opener(path) as fh:
        etree.ElementTree(root).write(fh, encoding="utf-8", xml_declaration=True, pretty_print=True)
