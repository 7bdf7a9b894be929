import datetime as dt

from kg.extract import evidence_for
from kg.model import Document, Fact, Mention
from kg.normalise import clean
from kg.pages import Evidence, PageRecord, Statement
from kg.resolve import Resolver, entity_iri, sentence_iri


def person(name, title=None):
    return Mention("Official" if title else "Person", name, name, 0, len(name),
                   attrs={"titles": [title] if title else []})


def record(doc_id, mentions, relations=()):
    return PageRecord(Document(doc_id, doc_id + ".txt", "", published=dt.date(2022, 4, 15)),
                      list(mentions), list(relations))


def ev(doc_id, start=0, sentence="句子。"):
    return Evidence(doc_id, sentence, start, start + len(sentence))


def test_same_key_across_pages_is_one_entity():
    r = Resolver()
    r.add(record("p2", [person("王明", "省长")]))
    r.add(record("p1", [person("王明")]))
    res = r.resolve()
    [ent] = res.entities.values()
    assert ent.cls == "Official" and ent.docs == {"p1", "p2"}
    assert ent.iri == entity_iri("person", "王明")


def test_surname_dropped_merges_only_with_shared_title():
    r = Resolver()
    r.add(record("a", [person("张建国", "副书记")]))
    r.add(record("b", [person("建国", "副书记"), person("海军", "局长")]))
    res = r.resolve()
    assert sorted(e.label for e in res.entities.values()) == ["张建国", "海军"]
    assert any("建国 -> 张建国" in m for m in res.merges)


def test_homonyms_with_different_posts_stay_apart():
    r = Resolver()
    r.add(record("a", [person("张建国", "局长")]))
    r.add(record("b", [person("建国", "县长")]))
    assert len(r.resolve().entities) == 2


def test_evidence_is_original_sentence_with_offsets():
    text = "前言。\n\n會議由省長王明主持。"
    cl = clean(text)
    doc = Document("a", "a.txt", text)
    sentences = [(0, 3), (5, len(cl.text))]
    e = evidence_for(doc, cl, sentences, 8)
    assert text[e.start:e.end] == e.sentence == "會議由省長王明主持。"


def test_evidence_narrows_around_contact_numbers():
    text = "咨询电话：13912345678，王明负责解答。"
    cl = clean(text)
    doc = Document("a", "a.txt", text)
    e = evidence_for(doc, cl, [(0, len(cl.text))], text.index("王明"), contacts=[(5, 16)])
    assert "1391" not in e.sentence and "王明" in e.sentence
    assert text[e.start:e.end] == e.sentence


def test_facts_collect_evidence_and_are_order_independent():
    def run(order):
        r = Resolver()
        for key in order:
            m, mt = person("王明"), Mention("Meeting", "m1", "会议", 0, 2)
            r.add(record(key, [m, mt], [Statement(Fact(1, "chair", 0, True), ev(key, 3))]))
        res = r.resolve()
        evidence = {}
        for node in res.evidence():
            evidence.setdefault((node.fact.subj, node.fact.pred, node.fact.obj), []).append((node.doc_id, node.start))
        assert res.n_evidence == {k: 2 for k in res.facts}
        return evidence

    assert run("ab") == run("ba")
    [evs] = run("ab").values()
    assert evs == [("a", 3), ("b", 3)]


def test_evidence_sentences_come_from_the_page_source_once_per_span():
    r = Resolver()
    m, mt = person("王明"), Mention("Meeting", "m1", "会议", 0, 2)
    rels = [Statement(Fact(1, "chair", 0, True), ev("a", 3, "王明主持会议。")),
            Statement(Fact(1, "chair", 0, True), ev("a", 3, "王明主持会议。")),  # the same span twice
            Statement(Fact(1, "chair", 0, True), ev("a", 20, "会议由王明主持。"))]
    r.add(record("a", [m, mt], rels))
    res = r.resolve()
    nodes = list(res.evidence())
    assert [n.start for n in sorted(nodes, key=lambda n: n.start)] == [3, 20]
    assert all(n.doc_id == "a" and n.sentence == sentence_iri("a", n.start, n.end) for n in nodes)
    [page] = res.evidence_pages()
    assert len(page.sentences) == 2 == res.n_sentences  # one kg:Sentence per span
    assert all(s.text and s.doc_id == page.doc_id and s.start < s.end for s in page.sentences)
    assert any("王明主持会议。" in s for s in page.sentences) and any("会议由王明主持。" in s for s in page.sentences)
    [key] = res.facts
    assert res.n_evidence[key] == 2


def test_one_sentence_stating_several_facts_is_one_sentence_node():
    r = Resolver()
    m, mt, p2 = person("王明"), Mention("Meeting", "m1", "会议", 0, 2), person("李华")
    said = "王明主持会议，李华出席。"
    rels = [Statement(Fact(1, "chair", 0, True), ev("a", 5, said)),
            Statement(Fact(1, "attendee", 2, True), ev("a", 5, said))]
    r.add(record("a", [m, mt, p2], rels))
    res = r.resolve()
    [page] = res.evidence_pages()
    assert len(page.nodes) == 2 and res.n_sentences == 1
    [node] = page.sentences
    assert {n.sentence for n in page.nodes} == {sentence_iri("a", 5, 5 + len(said))} == {node.iri}
    assert (node.text, node.start, node.end) == (said, 5, 5 + len(said))


def test_literal_facts_keep_lower_bound():
    m = Mention("InfectionChain", "c", "某疫情", 0, 3)
    r = Resolver()
    r.add(record("a", [m], [Statement(Fact(0, "closeContactCount", 1600, False, True), ev("a"))]))
    [fact] = r.resolve().facts.values()
    assert fact.obj == 1600 and fact.lower_bound
