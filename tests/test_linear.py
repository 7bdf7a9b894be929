"""Long pages run in chunks, and the rewritten lookups give what the page-wide scans gave.

Speed itself is measured by bench/robust.py; these tests check the algorithms: chunking keeps
facts and offsets, and each index or bisection finds the same things as the scan it replaced.
"""

import datetime as dt
import re
from itertools import pairwise

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.components.orgs import OrgRecognizer
from kg.components.sentences import MAX_SENTENCE, sentence_starts
from kg.corpus import html_to_text
from kg.extract import chunk_starts, extract_batch
from kg.lexicon import pattern
from kg.model import Document

from .helpers import facts, run

PUB = dt.date(2022, 4, 15)
HEAD = "省委书记李国华主持召开省委常委会会议。"
TAIL = "市委书记张明远在清徐县调研疫情防控工作。"
FILLER = "全市各级各部门要压紧压实责任，做好各项工作。"


def _page(n: int) -> Document:
    text = HEAD + "\n" + FILLER * n + "\n" + TAIL
    return Document("p", "p.txt", text, published=PUB, year=2022, home_city="140100", home_province="140000")


def _facts(rec) -> set:
    out = set()
    for r, ev in rec.relations:
        obj = rec.mentions[r.obj].label if r.obj_is_entity else str(r.obj)
        out.add((rec.mentions[r.subj].label, r.pred, obj, ev.sentence, ev.start, ev.end))
    return out


def test_chunks_are_sentence_aligned_and_bounded():
    text = FILLER * 50
    starts = chunk_starts(text, 200)
    sentences = set(sentence_starts(text))
    assert starts[0] == 0 and len(starts) > 5
    assert all(s in sentences for s in starts)
    assert all(b - a <= 200 for a, b in pairwise([*starts, len(text)]))
    assert chunk_starts(text, len(text)) == [0]
    # one sentence longer than a chunk is cut at the limit
    assert chunk_starts("无" * 50, 20) == [0, 20, 40]


def test_page_over_the_limit_finds_facts_at_both_ends_with_exact_offsets():
    doc = _page(60)
    [whole] = extract_batch([doc])
    [chunked] = extract_batch([doc], chunk=300)
    assert _facts(whole) <= _facts(chunked)  # chunks may repeat a page's once-only facts, never lose one
    got = _facts(chunked)
    head = [f for f in got if f[1] == "holds" and f[0] == "李国华"]
    tail = [f for f in got if f[1] == "holds" and f[0] == "张明远"]
    assert head and tail
    for _, _, _, sentence, start, end in head + tail:
        assert doc.text[start:end] == sentence
    assert max(f[4] for f in tail) > len(doc.text) - len(TAIL) - 1


def test_page_over_the_limit_builds_with_the_others(tmp_path, monkeypatch):
    import kg.extract

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "long.txt").write_text(_page(60).text, encoding="utf-8")
    (pages / "short.txt").write_text(HEAD, encoding="utf-8")
    real = kg.extract.extract_batch
    monkeypatch.setattr(kg.extract, "extract_batch", lambda docs, *a, **k: real(docs, *a, **{**k, "chunk": 300}))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(pages), "--out", str(out), "--jobs", "1", "--year", "2022"])
    assert result.exit_code == 0, result.output
    ttl = (out / "kg.ttl").read_text(encoding="utf-8")
    assert "张明远" in ttl and "short.txt" in ttl and "long.txt" in ttl


def test_sentences_without_punctuation_are_cut_to_a_bounded_length():
    text = ("太原市召开会议研究部署工作" * 300)
    starts = sentence_starts(text) + [len(text)]
    assert max(b - a for a, b in pairwise(starts)) <= MAX_SENTENCE
    soft = "，".join(["太原市召开会议研究部署工作"] * 300)
    starts = sentence_starts(soft)
    assert len(starts) > 1 and all(soft[s - 1] == "，" for s in starts[1:])


def _old_plan():
    return re.compile(r"第[一二三四五六七八九十\d]+版[\u4e00-\u9fff]{0,4}方案"
                      r"|[一二三四五六七八九十百\d]+条[\u4e00-\u9fff]{0,4}措施")


def test_plan_pattern_finds_what_it_found_before():
    old = _old_plan()
    plan = pattern("policies", "plan")

    @settings(max_examples=400, deadline=None)
    @given(st.text(st.sampled_from(list("第一二十百3版9条防控方案措施优化的、")), max_size=40))
    def check(text):
        assert [m.span() for m in plan.finditer(text)] == [m.span() for m in old.finditer(text)]

    check()


def test_plan_pattern_tries_a_run_of_digits_once():
    # the old pattern re-read the run from each of its characters; the new one fails at once inside it
    text = "1" * 2000
    plan = pattern("policies", "plan")
    assert plan.match(text, 1000) is None
    assert [m.group() for m in plan.finditer("共" + "1" * 50 + "条优化措施")] == ["1" * 50 + "条优化措施"]


def _old_html_to_text(markup: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    for tag in soup.find_all(["p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title", "section"]):
        tag.insert_after("\n\n")
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", soup.get_text()).strip() + "\n"


def test_html_to_text_gives_what_inserting_blank_lines_gave():
    tags = st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<br>", "<span>", "</span>", "<li>", "<!-- c -->",
                            "<script>x</script>", "<![CDATA[d]]>", "<h1>", "</h1>", "<title>t</title>"])
    words = st.sampled_from(["太原", "会议。", " ", "\n", "a&amp;b"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.one_of(tags, words), max_size=25))
    def check(parts):
        markup = "".join(parts)
        assert html_to_text(markup) == _old_html_to_text(markup)

    check()
    nested = "<div>" * 300 + "<p>清徐县召开会议。</p>" + "</div>" * 300  # beyond Python's recursion limit too
    assert html_to_text(nested) == _old_html_to_text(nested)
    assert html_to_text("<div>" * 5000 + "文" + "</div>" * 5000) == "文\n"


def test_org_containment_pass_keeps_what_the_pairwise_check_kept():
    from kg.components.orgs import _Cand

    def old(cands):
        kept = []
        for c in sorted(cands, key=lambda c: (c.start, -c.end)):
            if any(o.start <= c.start and c.end <= o.end and (o.start, o.end) != (c.start, c.end) for o in cands):
                continue
            if any((o.start, o.end) == (c.start, c.end) for o in kept):
                continue
            kept.append(c)
        return [(c.start, c.end, c.canonical) for c in kept]

    spans = st.tuples(st.integers(0, 12), st.integers(1, 5))

    @settings(max_examples=400, deadline=None)
    @given(st.lists(spans, max_size=12))
    def check(pairs):
        cands = [_Cand(s, s + n, f"o{i}", None, "x") for i, (s, n) in enumerate(pairs)]
        assert [(c.start, c.end, c.canonical) for c in OrgRecognizer.kept(cands)] == old(cands)

    check()


def test_repeated_titles_and_chains_give_the_facts_of_one():
    one = "市委书记张明远、市长王立新出席会议。清徐县新增阳性感染者3例，太谷区报告无症状感染者2例。"
    doc1 = run(one, home_city="140100", home_province="140000")
    doc3 = run("\n".join([one] * 30), home_city="140100", home_province="140000")
    for pred in ("holds", "postIn", "reportedIn", "positiveCount", "asymptomaticCount"):
        assert facts(doc3, pred) == facts(doc1, pred)
