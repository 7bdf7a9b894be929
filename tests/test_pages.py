import datetime as dt

from kg.model import Document, Fact, Mention
from kg.pages import Evidence, PageRecord, Statement, from_nquads, to_nquads


def test_nquads_round_trip_keeps_everything_resolution_needs():
    doc = Document("sub/页1", "sub/页1.txt", "", "gb18030", dt.date(2022, 8, 21), 2022, "140100", "140000")
    m1 = Mention("Official", "王明", "王明", 3, 5, ["王 明"], {"titles": ["省长"]})
    m2 = Mention("Meeting", "org|82", "第八十二次会议", 7, 14)
    rels = [
        Statement(Fact(1, "chair", 0, True), Evidence(doc.doc_id, 'a "quoted" \\ 句\n子', 0, 9)),
        Statement(Fact(1, "date", dt.date(2022, 4, 14), False), Evidence(doc.doc_id, "x", 1, 2)),
        Statement(Fact(1, "ordinal", 82, False, True), Evidence(doc.doc_id, "y", 2, 3)),
        Statement(Fact(0, "title", "省长", False), Evidence(doc.doc_id, "z", 3, 4)),
    ]
    rec = PageRecord(doc, [m1, m2], rels)
    [back] = from_nquads(to_nquads(rec))
    assert back.doc == doc
    assert [(m.cls, m.key, m.label, m.start, m.end, m.alt_labels, m.attrs) for m in back.mentions] == \
        [(m.cls, m.key, m.label, m.start, m.end, m.alt_labels, m.attrs) for m in rec.mentions]
    assert back.relations == rels
