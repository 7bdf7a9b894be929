"""exports/kg.gexf: GEXF 1.3 beside the GraphML, the same nodes, with time on meetings, chains, posts, edges."""

from __future__ import annotations

import networkx as nx
from lxml import etree

NS = "{http://gexf.net/1.3}"


def test_gexf_has_the_graphml_nodes_labels_types_colours_and_sizes(seed_build):
    G = nx.read_gexf(seed_build / "kg.gexf", version="1.3")
    H = nx.read_graphml(seed_build / "kg.graphml")
    assert set(G.nodes) == set(H.nodes) and set(G.edges) == set(H.edges)
    for n, data in H.nodes(data=True):
        g = G.nodes[n]
        assert g["label"] == data["label"] and g["type"] == data["type"]
        viz = g["viz"]
        assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == (data["r"], data["g"], data["b"])
        assert viz["size"] == data["size"]
    for s, o, data in H.edges(data=True):
        assert G.edges[s, o]["label"] == data["label"] and G.edges[s, o]["weight"] == data["weight"]


def test_every_meeting_chain_and_post_has_time_and_so_do_their_edges(seed_build):
    root = etree.parse(str(seed_build / "kg.gexf")).getroot()
    assert root.get("version") == "1.3" and root.tag == NS + "gexf"
    graph = root.find(NS + "graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    types = {}
    times = {}
    for node in graph.iter(NS + "node"):
        t = next(v.get("value") for v in node.iter(NS + "attvalue") if v.get("for") == "type")
        types[node.get("id")] = t
        if node.get("start"):
            assert node.get("start") <= node.get("end")
            times[node.get("id")] = (node.get("start"), node.get("end"))
    timed = [n for n, t in types.items() if t in ("Meeting", "InfectionChain", "Post")]
    assert len(timed) >= 40 and all(n in times for n in timed)
    assert not [n for n, t in types.items() if n in times and t not in ("Meeting", "InfectionChain", "Post")]
    meeting_82 = [n for n in graph.iter(NS + "node") if "第八十二次" in n.get("label")]
    assert meeting_82 and meeting_82[0].get("start") == "2022-04-14"
    for edge in graph.iter(NS + "edge"):
        s, o = edge.get("source"), edge.get("target")
        if types[s] in ("Meeting", "InfectionChain") or types[o] in ("Meeting", "InfectionChain"):
            event = s if types[s] in ("Meeting", "InfectionChain") else o
            assert (edge.get("start"), edge.get("end")) == times[event]
        elif types[s] == "Post" or types[o] == "Post":
            assert edge.get("start")
        else:
            assert edge.get("start") is None
