"""Per-page extraction records: the output of the map step, and their N-Quads form.

A :class:`PageRecord` holds what one page yields before cross-page
resolution: the document's metadata, its mentions, and its relations with the
evidence sentence already located in the original text. Records are plain,
picklable data (worker processes return them) and round-trip through N-Quads
(``kg extract`` writes one file per page; ``kg merge`` reads them back).
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from kg.model import Document, Mention

VERSION = "1"  # bump when extraction output changes shape or meaning: invalidates caches
X = "urn:kg:x:"  # vocabulary of the intermediate records (never in the exports)


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    sentence: str
    start: int
    end: int


@dataclass
class RelationRecord:
    subj: int  # index into PageRecord.mentions
    pred: str
    obj: object  # int index when obj_is_mention, else a literal (int, str, date, bool)
    obj_is_mention: bool
    evidence: Evidence
    lower_bound: bool = False


@dataclass
class PageRecord:
    doc: Document  # with text == "" (offsets are already resolved)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)


# ---------------------------------------------------------------- N-Quads codec

def _lit(value) -> str:
    from kg.graph import to_literal

    return to_literal(value)


def to_nquads(rec: PageRecord) -> str:
    """One page record as N-Quads in a named graph of its own (sorted, deterministic)."""
    g = f"<urn:kg:page:{quote(rec.doc.doc_id, safe='')}>"
    d = rec.doc
    lines = []

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"{s} <{X}{p}> {o} {g} .")

    doc = "<urn:kg:x:doc>"
    add(doc, "docId", _lit(d.doc_id))
    add(doc, "sourceFile", _lit(d.source_file))
    add(doc, "encoding", _lit(d.encoding))
    for name in ("published", "year", "home_city", "home_province"):
        value = getattr(d, name)
        if value is not None:
            add(doc, name, _lit(value))
    for i, m in enumerate(rec.mentions):
        s = f"<urn:kg:x:m{i}>"
        add(s, "cls", _lit(m.cls))
        add(s, "key", _lit(m.key))
        add(s, "label", _lit(m.label))
        add(s, "pos", _lit(f"{m.start} {m.end}"))
        for a in m.alt_labels:
            add(s, "alt", _lit(a))
        for t in m.attrs.get("titles", ()):
            add(s, "title", _lit(t))
        extra = {k: v for k, v in m.attrs.items() if k != "titles" and v not in (None, [], "")}
        if extra:
            add(s, "attrs", _lit(json.dumps(extra, ensure_ascii=False, sort_keys=True)))
    for j, r in enumerate(rec.relations):
        s = f"<urn:kg:x:r{j}>"
        add(s, "subj", f"<urn:kg:x:m{r.subj}>")
        add(s, "pred", _lit(r.pred))
        add(s, "obj", f"<urn:kg:x:m{r.obj}>" if r.obj_is_mention else _lit(r.obj))
        ev = r.evidence
        add(s, "ev", _lit(f"{ev.start} {ev.end}"))
        add(s, "sentence", _lit(ev.sentence))
        if r.lower_bound:
            add(s, "lowerBound", _lit(True))
    return "\n".join(lines) + "\n"


def _value(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return term.value
    dt = term.datatype.value if term.datatype else ""
    if dt.endswith("#integer"):
        return int(term.value)
    if dt.endswith("#date"):
        return _dt.date.fromisoformat(term.value)
    if dt.endswith("#boolean"):
        return term.value == "true"
    return term.value


def from_nquads(data: bytes | str) -> list[PageRecord]:
    """Page records from N-Quads written by :func:`to_nquads` (one or many pages)."""
    import pyoxigraph as ox

    if isinstance(data, str):
        data = data.encode("utf-8")
    pages: dict[str, dict[str, dict[str, list]]] = {}
    for q in ox.parse(input=data, format=ox.RdfFormat.N_QUADS):
        subj = q.subject.value.removeprefix(X)
        pred = q.predicate.value.removeprefix(X)
        pages.setdefault(q.graph_name.value, {}).setdefault(subj, {}).setdefault(pred, []).append(
            _value(q.object))
    out = []
    for _, nodes in sorted(pages.items()):
        dn = nodes["doc"]

        def one(k, dn=dn):
            return dn[k][0] if k in dn else None

        doc = Document(one("docId"), one("sourceFile"), "", one("encoding"), one("published"), one("year"),
                       one("home_city"), one("home_province"))
        count_m = sum(1 for k in nodes if k.startswith("m") and k[1:].isdigit())
        mentions = []
        for i in range(count_m):
            n = nodes[f"m{i}"]
            start, end = (int(x) for x in n["pos"][0].split())
            m = Mention(n["cls"][0], n["key"][0], n["label"][0], start, end, sorted(n.get("alt", [])))
            if "title" in n:
                m.attrs["titles"] = sorted(n["title"])
            if "attrs" in n:
                m.attrs.update(json.loads(n["attrs"][0]))
            mentions.append(m)
        rels = []
        count_r = sum(1 for k in nodes if k.startswith("r") and k[1:].isdigit())
        for j in range(count_r):
            n = nodes[f"r{j}"]
            obj = n["obj"][0]
            is_m = isinstance(obj, str) and obj.startswith(X + "m")
            start, end = (int(x) for x in n["ev"][0].split())
            rels.append(RelationRecord(
                int(n["subj"][0].removeprefix(X + "m")), n["pred"][0],
                int(obj.removeprefix(X + "m")) if is_m else obj, is_m,
                Evidence(doc.doc_id, n["sentence"][0], start, end), bool(n.get("lowerBound", [False])[0])))
        out.append(PageRecord(doc, mentions, rels))
    return out


def without_text(doc: Document) -> Document:
    return replace(doc, text="")
