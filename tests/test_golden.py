"""Golden graphs: for each page in tests/golden/, the entities and facts kg makes of it, compared as graphs.

A failure prints only the triples that differ. After a deliberate change of
behaviour, rewrite the files with ``pytest tests/test_golden.py --update-golden``
and read the diff before committing it.
"""

import pytest

from .golden_graph import CASES, GOLDEN, difference, expected, produced, to_turtle


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_graph(name, request):
    got = produced(name)
    path = GOLDEN / f"{name}.ttl"
    if request.config.getoption("--update-golden"):
        old = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        header = [line for line in old[:next((i for i, x in enumerate(old) if not x.startswith("#")), 0)]]
        path.write_text("\n".join([*header, to_turtle(got)]), encoding="utf-8")
    diff = difference(got, expected(name))
    assert not diff, f"golden/{name}.ttl differs from what kg made of golden/{name}.txt:\n{diff}"


def test_a_difference_names_the_triples_on_each_side():
    """The failure message of the golden tests: the triples in one graph only, entities by their labels."""
    from rdflib import BNode, Graph, Literal
    from rdflib.namespace import RDF, RDFS

    from kg.ns import KG

    def graph(chair_label):
        g = Graph()
        m, p = BNode(), BNode()
        g.add((m, RDF.type, KG.Meeting))
        g.add((m, RDFS.label, Literal("专题会议", lang="zh")))
        g.add((p, RDF.type, KG.Official))
        g.add((p, RDFS.label, Literal(chair_label, lang="zh")))
        g.add((m, KG.chair, p))
        return g

    assert difference(graph("张三"), graph("张三")) == ""
    diff = difference(graph("张三"), graph("李四"))
    made, golden = diff.split("only in the golden file:")
    assert '[张三] rdfs:label "张三"@zh' in made and '[李四] rdfs:label "李四"@zh' in golden
    assert "专题会议" not in diff  # the triples both graphs have are not shown
