"""Document identity: one document per input file, the same whatever else is built with it."""

from pathlib import Path

import rdflib
from click.testing import CliRunner

from kg.cli import main
from kg.ns import KG

PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


def page(n: int, name: str) -> str:
    return f"4月{n}日，市委书记{name}主持召开市委常委会会议，研究部署疫情防控工作。\n"


def build(*args: str) -> rdflib.Graph:
    result = CliRunner().invoke(main, ["build", *args, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("--out") + 1])
    return rdflib.Graph().parse(out / "kg.ttl")


def evidence_by_document(g: rdflib.Graph) -> dict[str, list[tuple[str, int, int]]]:
    out: dict[str, list] = {}
    for ev in g.subjects(rdflib.RDF.type, KG.Evidence):
        sentence = g.value(ev, KG.inSentence)
        doc = g.value(sentence, PROV.wasDerivedFrom)
        out.setdefault(str(doc), []).append((str(g.value(sentence, KG.sentence)),
                                             int(g.value(sentence, KG.charStart)), int(g.value(sentence, KG.charEnd))))
    return out


def test_same_name_in_two_folders_is_two_documents(tmp_path):
    for year, n, name in (("2021", 3, "王明"), ("2022", 9, "李华")):
        (tmp_path / year).mkdir()
        (tmp_path / year / "01.txt").write_text("本报讯 " * n + page(n, name), encoding="utf-8")
    g = build(str(tmp_path / "2021"), str(tmp_path / "2022"), "--out", str(tmp_path / "out"))
    docs = sorted(str(d) for d in g.subjects(rdflib.RDF.type, KG.Document))
    assert [d.rsplit("/doc/", 1)[1] for d in docs] == ["2021/01.txt", "2022/01.txt"]
    evidence = evidence_by_document(g)
    assert sorted(evidence) == docs
    for doc, items in evidence.items():  # every offset points into its own file
        text = (tmp_path / doc.rsplit("/doc/", 1)[1]).read_text(encoding="utf-8")
        assert all(text[s:e] == sentence for sentence, s, e in items)
    # input order and other inputs change nothing
    swapped = tmp_path / "swapped"
    build(str(tmp_path / "2022"), str(tmp_path / "2021"), "--out", str(swapped))
    assert (swapped / "kg.ttl").read_bytes() == (tmp_path / "out" / "kg.ttl").read_bytes()
    alone = build(str(tmp_path / "2021"), "--out", str(tmp_path / "alone"))
    assert {str(d) for d in alone.subjects(rdflib.RDF.type, KG.Document)} == {docs[0]}


def test_one_stem_three_files_three_documents(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "dup").write_text(page(1, "王明"), encoding="utf-8")
    (corpus / "dup.txt").write_text(page(2, "王明"), encoding="utf-8")
    (corpus / "dup.html").write_text(f"<html><body><p>{page(3, '王明')}</p></body></html>", encoding="utf-8")
    g = build(str(corpus), "--out", str(tmp_path / "out"))
    sources = sorted(str(g.value(d, KG.sourceFile)) for d in g.subjects(rdflib.RDF.type, KG.Document))
    assert sources == ["dup", "dup.html", "dup.txt"]
    assert len(evidence_by_document(g)) == 3
    records = tmp_path / "records"
    result = CliRunner().invoke(main, ["extract", str(corpus), "--out", str(records), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert len(list(records.glob("*.nq"))) == 3


def test_a_file_given_by_name_is_the_same_document_as_through_its_folder(tmp_path):
    corpus = tmp_path / "pages"
    corpus.mkdir()
    (corpus / "a.txt").write_text(page(1, "王明"), encoding="utf-8")
    by_folder = build(str(corpus), "--out", str(tmp_path / "one"))
    by_name = build(str(corpus / "a.txt"), "--out", str(tmp_path / "two"))
    assert set(by_folder.subjects(rdflib.RDF.type, KG.Document)) == set(by_name.subjects(rdflib.RDF.type, KG.Document))


def test_two_folders_of_one_name_are_refused_in_one_line(tmp_path):
    for parent in ("a", "b"):
        (tmp_path / parent / "2021").mkdir(parents=True)
        (tmp_path / parent / "2021" / "01.txt").write_text(page(1, "王明"), encoding="utf-8")
    for order in (("a", "b"), ("b", "a")):
        result = CliRunner().invoke(main, ["build", *(str(tmp_path / p / "2021") for p in order),
                                           "--out", str(tmp_path / "out"), "--jobs", "1"])
        assert result.exit_code == 1
        lines = [line for line in result.output.splitlines() if line.startswith("kg:")]
        assert len(lines) == 1 and "would both be document 2021/01.txt" in lines[0], result.output
        assert "Traceback" not in result.output
