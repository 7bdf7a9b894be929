"""kg nb on hubs (issue 15): only the neighbours shown are looked up, each relation and fact counted in full."""

import pyoxigraph as ox
import pytest

from kg.prefixes import DATA_IRI, KG_IRI

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
TAIYUAN = DATA_IRI + "place/140100"


@pytest.fixture(scope="module")
def store(seed_build):
    from click.testing import CliRunner

    from kg.cli import main
    from kg.store import open_store

    assert CliRunner().invoke(main, ["query", "relays", "--store", str(seed_build / "kg.oxigraph")]).exit_code == 0
    return open_store(seed_build / "kg.oxigraph")


def walk(edges, depth=0):
    for e in edges:
        yield e, depth
        yield from walk(e.children, depth + 1)


def groups(edges):
    out: dict = {}
    for e in edges:
        out.setdefault((e.direction, e.pred), []).append(e)
    return out


def test_with_a_limit_only_the_shown_neighbours_are_looked_up(store):
    """A limited neighbourhood keeps up to the limit of each relation of the full one, in the full one's
    order, with the same labels and evidence, and the full one's count of each relation."""
    from kg.query import neighbourhood, render_tree

    full = neighbourhood(store, TAIYUAN, limit=0)
    short = neighbourhood(store, TAIYUAN, limit=2)
    every, kept = groups(full.edges), groups(short.edges)
    assert short.totals == full.totals == {k: len(v) for k, v in every.items()}
    assert list(kept) == list(every) and any(len(v) > 2 for v in every.values())
    for key, group in kept.items():
        assert len(group) == min(2, len(every[key]))
        by_iri = {e.other: e for e in every[key]}
        assert [e.other for e in every[key] if e.other in {k.other for k in group}] == [e.other for e in group]
        for e in group:
            twin = by_iri[e.other]
            assert (e.label, e.type, e.evidence, e.evidence_total) == (twin.label, twin.type, twin.evidence,
                                                                       twin.evidence_total)
    printed = render_tree(short, limit=2)
    for (direction, pred), n in full.totals.items():
        if n > 2:
            arrow = f"{pred} →" if direction == "out" else f"← {pred}"
            assert f"  {arrow} ({n})" in printed and f"… {n - 2} more {pred} " in printed
    assert neighbourhood(store, TAIYUAN, limit=2) == short  # the same choice every time


def test_neighbours_are_counted_and_the_kept_ones_sorted_by_label(store):
    from kg.query import Prop, _neighbours, labels_of

    pred = Prop.partOf.iri
    every = sorted((q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(pred), ox.NamedNode(TAIYUAN))),
                   key=lambda iri: (labels_of(store, [iri]).get(iri, ""), iri))
    assert len(every) > 3
    assert _neighbours(store, TAIYUAN, "in", pred) == (len(every), [(i, labels_of(store, [i])[i]) for i in every])
    total, kept = _neighbours(store, TAIYUAN, "in", pred, limit=3)
    assert total == len(every) and len(kept) == 3 and {i for i, _ in kept} <= set(every)
    assert kept == sorted(kept, key=lambda pair: (pair[1], pair[0]))
    assert _neighbours(store, TAIYUAN, "in", pred, limit=3) == (total, kept)


def test_an_edge_counts_all_its_evidence_and_shows_one(store):
    """Every edge of 太原 at depth 2: how many evidence statements its fact has, as the plain query counts
    them, and one of them, with its sentence, file and offsets."""
    from kg.query import QUERY_PREFIXES, neighbourhood

    plain = ("SELECT ?s ?p ?o ?sent ?start ?end ?file WHERE { ?e rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
             "kg:inSentence ?x . "
             "?x kg:sentence ?sent ; kg:charStart ?start ; kg:charEnd ?end ; prov:wasDerivedFrom ?d . "
             "?d kg:sourceFile ?file }")
    checked = more = 0
    node = neighbourhood(store, TAIYUAN, depth=2, limit=0)
    for centre_edges, centre in [(node.edges, TAIYUAN)] + [(e.children, e.other) for e in node.edges]:
        for e in centre_edges:
            if e.pred == "organizer·jurisdiction":  # a place's meetings, two steps: not one statement
                continue
            s, o = (centre, e.other) if e.direction == "out" else (e.other, centre)
            rows = store.query(plain, prefixes=QUERY_PREFIXES, substitutions={
                ox.Variable("s"): ox.NamedNode(s), ox.Variable("p"): ox.NamedNode(KG_IRI + e.pred),
                ox.Variable("o"): ox.NamedNode(o)})
            every = [(r["sent"].value, r["file"].value, int(r["start"].value), int(r["end"].value)) for r in rows]
            assert e.evidence_total == len(every) > 0 and len(e.evidence) == 1, (s, e.pred, o)
            x = e.evidence[0]
            assert (x["sentence"], x["file"], x["start"], x["end"]) in every
            checked += 1
            more += len(every) > 1
    assert checked > 100 and more


@pytest.mark.parametrize("listed_max", [1000, 0])
def test_facts_between_two_things_linked_twice_are_counted_apart(monkeypatch, listed_max):
    """A chain reported in a place that is also its origin: each fact counts its own evidence only,
    whether the pair's statements are listed and their property looked up, or the property joined."""
    from kg import query
    from kg.query import evidence_of

    monkeypatch.setattr(query, "_LISTED_MAX", listed_max)

    store = ox.Store()
    k, d = KG_IRI, DATA_IRI
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    chain, place, doc, sen = (ox.NamedNode(d + x) for x in ("chain/c", "place/p", "doc/1", "sentence/1"))
    for pred, n in (("origin", 2), ("reportedIn", 5)):
        store.add(ox.Quad(chain, ox.NamedNode(k + pred), place))
        for i in range(n):
            e = ox.NamedNode(f"{d}evidence/{pred}{i}")
            for p, o in (("subject", chain), ("predicate", ox.NamedNode(k + pred)), ("object", place)):
                store.add(ox.Quad(e, ox.NamedNode(RDF + p), o))
            store.add(ox.Quad(e, ox.NamedNode(k + "inSentence"), sen))
    for p, o in (("sentence", ox.Literal("句子。")), ("charStart", ox.Literal("0", datatype=integer)),
                 ("charEnd", ox.Literal("3", datatype=integer))):
        store.add(ox.Quad(sen, ox.NamedNode(k + p), o))
    store.add(ox.Quad(sen, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), doc))
    store.add(ox.Quad(doc, ox.NamedNode(k + "sourceFile"), ox.Literal("a.txt")))
    facts = [(chain.value, k + "origin", place.value), (chain.value, k + "reportedIn", place.value),
             (chain.value, k + "partOf", place.value)]
    found = evidence_of(store, facts)
    assert [n for n, _ in found.values()] == [2, 5, 0]
    assert found[facts[0]][1]["file"] == "a.txt" and found[facts[2]][1] is None


def test_relations_are_those_of_the_kg_statements_a_full_scan_finds(store):
    from kg.query import HIDDEN, _relations

    for iri in (TAIYUAN, DATA_IRI + "place/140000"):
        node = ox.NamedNode(iri)
        want = {("out", q.predicate.value) for q in store.quads_for_pattern(node, None, None)}
        want |= {("in", q.predicate.value) for q in store.quads_for_pattern(None, None, node)}
        want = {(d, p) for d, p in want if p.startswith(KG_IRI) and p not in HIDDEN}
        assert set(_relations(store, iri)) == want and want


def test_a_neighbour_met_twice_is_expanded_where_it_is_first_shown(store):
    """At depth 2 a neighbour's own neighbours hang under its first appearance in the printed tree."""
    from kg.query import neighbourhood, resolve_name

    checked = 0
    for name in ("林武", "太原", "山西省"):
        iri = resolve_name(store, name)[0]
        node = neighbourhood(store, iri, depth=2, evidence=False)
        first: dict = {}
        for e, depth in walk(node.edges):
            if depth == 0:
                first.setdefault(e.other, e)
        for e, depth in walk(node.edges):
            if depth == 0 and e.children:
                assert first[e.other] is e, (name, e.label)
                checked += 1
    assert checked


def test_pairs_linked_twice_are_counted_alike_listed_or_joined(store, monkeypatch):
    """Every fact of 太原 and its neighbours: the same counts and sentences whichever way the pairs
    linked by several properties are split by property."""
    from kg import query
    from kg.query import neighbourhood

    listed = neighbourhood(store, TAIYUAN, depth=2, limit=0)
    monkeypatch.setattr(query, "_LISTED_MAX", 0)
    assert neighbourhood(store, TAIYUAN, depth=2, limit=0) == listed


def test_queries_run_side_by_side_come_back_in_order_and_raise_in_the_caller():
    from kg.query import _run_all

    store = ox.Store()
    texts = [f"SELECT ?x WHERE {{ VALUES ?x {{ {i} }} }}" for i in range(5)]
    assert [[r["x"].value for r in rows] for rows in _run_all(store, texts)] == [[str(i)] for i in range(5)]
    with pytest.raises(SyntaxError):
        _run_all(store, texts[:2] + ["SELECT nothing"])
