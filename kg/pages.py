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
from typing import NamedTuple
from urllib.parse import quote

from kg.model import Document, Fact, Mention
from kg.ns import Class

VERSION = "1"  # bump when extraction output changes shape or meaning: invalidates caches
X = "urn:kg:x:"  # vocabulary of the intermediate records (never in the exports)


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    sentence: str
    start: int
    end: int


class Statement(NamedTuple):
    """A page's statement of a fact: the fact between mention indices (into ``PageRecord.mentions``),
    and the sentence that states it."""

    fact: Fact
    evidence: Evidence


@dataclass
class PageRecord:
    doc: Document  # with text == "" (offsets are already resolved)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Statement] = field(default_factory=list)


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
    add(doc, "mentions", _lit(len(rec.mentions)))  # a truncated file is told by these counts
    add(doc, "relations", _lit(len(rec.relations)))
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
    for j, (r, ev) in enumerate(rec.relations):
        s = f"<urn:kg:x:r{j}>"
        add(s, "subj", f"<urn:kg:x:m{r.subj}>")
        add(s, "pred", _lit(r.pred))
        add(s, "obj", f"<urn:kg:x:m{r.obj}>" if r.obj_is_entity else _lit(r.obj))
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


class BadRecord(ValueError):
    """N-Quads that are not page records as :func:`to_nquads` writes them."""


def from_nquads(data: bytes | str) -> list[PageRecord]:
    """Page records from N-Quads written by :func:`to_nquads` (one or many pages).

    Everything is checked (:func:`check_record`); :class:`BadRecord` says what is wrong.
    """
    try:
        records = _from_nquads(data)
    except BadRecord:
        raise
    except SyntaxError as err:
        raise BadRecord(f"not N-Quads, or cut short ({err})") from None
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as err:
        raise BadRecord(f"not a page record as kg extract writes it ({type(err).__name__}: {err})") from None
    for rec in records:
        check_record(rec)
    return records


def _want(ok: bool, what: str) -> None:
    if not ok:
        raise BadRecord(what)


def _is(value, *types) -> bool:
    return type(value) in types


def check_record(rec: PageRecord) -> None:
    """Raise :class:`BadRecord` unless ``rec`` has the shape extraction gives (types, indices, ontology terms).

    Classes and predicates become parts of IRIs in the exports: only those the ontology declares pass.
    """
    from kg.ontology import terms

    classes, predicates = terms()
    d = rec.doc
    _want(_is(d.doc_id, str) and d.doc_id != "" and _is(d.source_file, str) and _is(d.encoding, str),
          "a document without its id, file or encoding")
    _want(d.published is None or _is(d.published, _dt.date), f"a publication date that is not a date: {d.published!r}")
    _want(d.year is None or _is(d.year, int), f"a year that is not a number: {d.year!r}")
    _want(all(v is None or _is(v, str) for v in (d.home_city, d.home_province)), "a home place that is not a code")
    n = len(rec.mentions)
    for m in rec.mentions:
        _want(_is(m.cls, str) and m.cls in classes, f"a mention of class {m.cls!r}, not a class of the ontology")
        _want(_is(m.key, str) and _is(m.label, str) and all(_is(a, str) for a in m.alt_labels),
              f"a mention whose key or labels are not text ({m.key!r})")
        _want(_is(m.start, int) and _is(m.end, int), f"a mention with bad offsets ({m.key!r})")
        a = m.attrs
        _want(isinstance(a, dict) and _is(a.get("titles", []), list) and all(_is(t, str) for t in a.get("titles", [])),
              f"a mention with bad attributes ({m.key!r})")
        if m.cls == Class.Meeting:
            _want(all(a.get(k) is None or _is(a[k], str) for k in ("org", "kind", "date"))
                  and (a.get("ordinal") is None or _is(a["ordinal"], int))
                  and _is(a.get("hints", []), list) and all(_is(h, str) for h in a.get("hints", [])),
                  f"a meeting with bad attributes ({m.key!r})")
    for r, ev in rec.relations:
        _want(_is(r.pred, str) and r.pred in predicates, f"a relation {r.pred!r}, not a property of the ontology")
        _want(_is(r.subj, int) and 0 <= r.subj < n, "a relation whose subject is not a mention of the page")
        if r.obj_is_entity:
            _want(isinstance(r.obj, int) and not isinstance(r.obj, bool) and 0 <= r.obj < n,
                  "a relation whose object is not a mention of the page")
        else:
            _want(_is(r.obj, str, int, bool, _dt.date), f"a relation whose object is not a literal: {r.obj!r}")
        _want(_is(ev.sentence, str) and _is(ev.start, int) and _is(ev.end, int) and 0 <= ev.start <= ev.end,
              "evidence with bad offsets")
        _want(_is(r.lower_bound, bool), "a relation with a bad lowerBound")


def _from_nquads(data: bytes | str) -> list[PageRecord]:
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
        count_r = sum(1 for k in nodes if k.startswith("r") and k[1:].isdigit())
        _want(one("mentions") in (None, count_m) and one("relations") in (None, count_r),
              f"page {doc.doc_id!r} has fewer mentions or relations than it says: the file is cut short")
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
        for j in range(count_r):
            n = nodes[f"r{j}"]
            obj = n["obj"][0]
            is_m = isinstance(obj, str) and obj.startswith(X + "m")
            start, end = (int(x) for x in n["ev"][0].split())
            rels.append(Statement(
                Fact(int(n["subj"][0].removeprefix(X + "m")), n["pred"][0],
                     int(obj.removeprefix(X + "m")) if is_m else obj, is_m, bool(n.get("lowerBound", [False])[0])),
                Evidence(doc.doc_id, n["sentence"][0], start, end)))
        out.append(PageRecord(doc, mentions, rels))
    return out


def without_text(doc: Document) -> Document:
    return replace(doc, text="")
