"""kg nb on hubs (issue 15): evidence only for what is shown, found from the smaller end, same answers."""

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


def test_with_a_limit_only_the_shown_neighbours_get_evidence(store):
    from kg.query import neighbourhood, render_tree

    full = neighbourhood(store, TAIYUAN, limit=0)
    short = neighbourhood(store, TAIYUAN, limit=2)
    assert [(e.pred, e.other) for e in full.edges] == [(e.pred, e.other) for e in short.edges]
    per_relation: dict = {}
    for e_full, e_short in zip(full.edges, short.edges, strict=True):
        n = per_relation[(e_short.direction, e_short.pred)] = per_relation.get((e_short.direction, e_short.pred), 0) + 1
        assert e_short.evidence == (e_full.evidence if n <= 2 else [])
    assert any(n > 2 for n in per_relation.values()), "the seeds' 太原 must have a relation with more than 2"
    assert render_tree(short, limit=2) == render_tree(full, limit=2)


def test_each_edge_shows_up_to_three_of_its_evidence_sentences_in_file_order(store):
    """Every edge of 太原 at depth 2: three of the statement's evidence nodes (all when fewer), as the
    plain query finds them, in file and offset order, whichever end they were found from."""
    from kg.query import QUERY_PREFIXES, _evidence, neighbourhood

    plain = ("SELECT ?s ?p ?o ?sent ?start ?end ?file WHERE { ?e rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
             "kg:inSentence ?x . "
             "?x kg:sentence ?sent ; kg:charStart ?start ; kg:charEnd ?end ; prov:wasDerivedFrom ?d . "
             "?d kg:sourceFile ?file }")
    checked = more = 0
    node = neighbourhood(store, TAIYUAN, depth=2, evidence=False)
    for centre_edges, centre in [(node.edges, TAIYUAN)] + [(e.children, e.other) for e in node.edges]:
        for e in centre_edges:
            if e.pred == "organizer·jurisdiction":  # a place's meetings, two steps: not one statement
                continue
            s, o = (centre, e.other) if e.direction == "out" else (e.other, centre)
            rows = store.query(plain, prefixes=QUERY_PREFIXES, substitutions={
                ox.Variable("s"): ox.NamedNode(s), ox.Variable("p"): ox.NamedNode(KG_IRI + e.pred),
                ox.Variable("o"): ox.NamedNode(o)})
            every = {(r["sent"].value, r["file"].value, int(r["start"].value), int(r["end"].value)) for r in rows}
            for counts in (None, {("s", ox.NamedNode(s)): 0}, {("o", ox.NamedNode(o)): 0}):  # either end first
                got = [(x["sentence"], x["file"], x["start"], x["end"])
                       for x in _evidence(store, s, KG_IRI + e.pred, o, counts=counts)]
                assert set(got) <= every and len(got) == min(3, len(every)) > 0, (s, e.pred, o)
                assert got == sorted(got, key=lambda x: (x[1], x[2]))
            checked += 1
            more += len(every) > 3
    assert checked > 100 and more


def test_the_end_with_fewer_evidence_nodes_is_found_by_counting_one_and_probing_the_other():
    from kg.query import _object_side_smaller

    store = ox.Store()
    hub, leaf = ox.NamedNode(DATA_IRI + "place/hub"), ox.NamedNode(DATA_IRI + "person/leaf")
    for i in range(500):
        store.add(ox.Quad(ox.NamedNode(f"{DATA_IRI}evidence/{i}"), ox.NamedNode(RDF + "subject"), hub))
    store.add(ox.Quad(ox.NamedNode(f"{DATA_IRI}evidence/x"), ox.NamedNode(RDF + "object"), leaf))
    assert _object_side_smaller(store, hub, leaf)
    for i in range(600):
        store.add(ox.Quad(ox.NamedNode(f"{DATA_IRI}evidence/o{i}"), ox.NamedNode(RDF + "object"), leaf))
    assert not _object_side_smaller(store, hub, leaf)
    # with the hub's count known (as kg nb knows its centre's), only the other end is probed
    assert not _object_side_smaller(store, hub, leaf, {("s", hub): 500})
    assert _object_side_smaller(store, hub, leaf, {("s", hub): 700})  # a count kept is believed
    assert not _object_side_smaller(store, leaf, leaf, {("o", leaf): 601})  # none has leaf as subject


def test_links_are_the_kg_statements_a_full_scan_finds(store):
    from kg.query import HIDDEN, _links

    for iri in (TAIYUAN, DATA_IRI + "place/140000"):
        node = ox.NamedNode(iri)
        out, inc = _links(store, iri)
        want_out = sorted((q.predicate.value, q.object.value) for q in store.quads_for_pattern(node, None, None)
                          if q.predicate.value.startswith(KG_IRI) and q.predicate.value not in HIDDEN)
        want_in = sorted((q.predicate.value, q.subject.value) for q in store.quads_for_pattern(None, None, node)
                         if q.predicate.value.startswith(KG_IRI) and q.predicate.value not in HIDDEN)
        assert sorted((p, o.value) for p, o in out) == want_out and want_out
        assert sorted((p, s.value) for p, s in inc) == want_in and want_in


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
