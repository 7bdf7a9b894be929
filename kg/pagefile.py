"""A page's record split in two: what resolution needs, and its evidence sentences.

Resolution (the reduce) needs every page's mentions and relations, but the
sentences only when the Turtle is written. So a worker splits each page
record into

- a *digest* (:class:`PageDigest`): its entities and facts folded per key,
  with the offsets of their evidence, as plain tuples sent to the reducing process;
- its *evidence part*: the page's distinct evidence sentences, as text, and
  for each relation the index of its sentence. A page that states twenty facts in one sentence stores it once,
  and the export writes it once too, as one ``kg:Sentence`` node.

Both go into one *page file* (``<cache key>.page`` in the build cache): the
digest first, so a reused page is read without its sentences, and
the evidence part after it, read again only while the Turtle is streamed.
Page files hold data only (JSON and an array of integers, never pickles), and
everything read back is checked: types, shapes, index ranges, and classes and
predicates against the ontology. Page files are a cache: a file that cannot be
read or fails a check is extracted again.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import struct
import sys
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, cast

from kg.model import Document, Fact
from kg.ns import Class, Prop
from kg.ontology import NAME_FACTS
from kg.pages import PageRecord

MAGIC = b"kg page file 4\n"
_HEAD = struct.Struct("<QQQ")  # byte lengths: the digest (JSON), its evidence offsets (int64), the evidence part (JSON)


class EvidencePart:
    """The sentences of one page's relations (data: kg.export writes them as ``kg:Sentence`` nodes)."""

    __slots__ = ("doc_id", "of_relation", "texts")

    def __init__(self, doc_id: str, texts: list[str], of_relation: list[int]) -> None:
        self.doc_id = doc_id
        self.texts = texts  # distinct sentences, as in the source text
        self.of_relation = of_relation  # for relation j, the index of its sentence in ``texts``

    def text_of(self, j: int) -> str:
        """The sentence of relation j, as in the source text."""
        return self.texts[self.of_relation[j]]


EvidenceSource = Callable[[], EvidencePart]


class PageDigest(NamedTuple):
    """What resolution needs of one page, as plain tuples (cheap to pickle between processes).

    Mentions are folded per entity key (a page naming 太原市 forty times holds it
    once, with counts), relations per fact; ``evidence`` has one
    ``(fact index, start, end)`` triple per relation, in relation order.
    """

    doc: Document
    entities: list[tuple]  # (family, key, ((class, n), …), ((label, n), …), (alt label, …))
    titles: list[tuple]  # (person key, (post title, …))
    meetings: list[tuple]  # (key, organizer, kind, ordinal, (date, …), (hint date, …))
    facts: list[Fact]  # between indices into ``entities``, each fact once
    evidence: array  # flat: fact index (-1: a relation of an entity to itself), start, end
    sentences: array = array("q")  # per relation: an 8-byte hash of its evidence sentence's text, or GIVEN


# The sentence hash of a statement that gives a fact fixed by its subject's name or by the gazetteer
# (:func:`is_given`): the resolver keeps its first evidence node (``kg.resolve.GIVEN_CAP``), not one a page.
GIVEN = 0


def is_given(rec: PageRecord, fact: Fact) -> bool:
    """Is ``fact`` (a fact of ``rec``) one its subject's name fixes, whatever the page (a post's title, a
    place's code: :data:`kg.ontology.NAME_FACTS`), or one whose object is a place the page does not write
    (an implied mention: 清徐县 partOf 太原市 on a page naming only 清徐县; the home city of a coded chain
    written without its place)?"""
    if fact.pred in NAME_FACTS:
        return True
    return fact.obj_is_entity and bool(rec.mentions[fact.obj].attrs.get("implied"))


def _fold_mentions(rec: PageRecord) -> tuple[list[tuple[str, str, dict, dict, set]], list[int], dict, dict]:
    """The page's entities (family, key, class counts, label counts, alt labels), each mention's entity,
    and the titles of persons and the details of meetings."""
    from kg.ontology import family

    index: dict[tuple[str, str], int] = {}
    folded: list[tuple[str, str, dict, dict, set]] = []
    titles: dict[str, set[str]] = {}
    meetings: dict[str, tuple] = {}
    families: dict[str, str] = {}
    of_mention = []
    for m in rec.mentions:
        fam = families.get(m.cls)
        if fam is None:
            fam = families[m.cls] = family(m.cls)
        i = index.get((fam, m.key))
        if i is None:
            i = index[(fam, m.key)] = len(folded)
            folded.append((fam, m.key, {}, {}, set()))
        _, _, classes, labels, alts = folded[i]
        classes[m.cls] = classes.get(m.cls, 0) + 1
        if m.label:
            labels[m.label] = labels.get(m.label, 0) + 1
        if m.alt_labels:
            alts.update(a for a in m.alt_labels if a)
        if fam == "person":
            titles.setdefault(m.key, set()).update(m.attrs.get("titles", ()))
        elif m.cls == Class.Meeting:
            a = m.attrs
            org, kind, ordinal, dates, hints = meetings.get(m.key, (a.get("org", ""), a.get("kind"),
                                                                   a.get("ordinal"), set(), set()))
            if a.get("date"):
                dates.add(a["date"])
            hints.update(a.get("hints", ()))
            meetings[m.key] = (org, kind, ordinal, dates, hints)
        of_mention.append(i)
    return folded, of_mention, titles, meetings


def split(rec: PageRecord) -> tuple[PageDigest, EvidencePart]:
    """The digest of ``rec`` (its mentions folded per entity key, its relations per fact) and its
    evidence part (each distinct sentence once), in one pass over the relations."""
    from kg.resolve import literal_sort_key

    folded, of_mention, titles, meetings = _fold_mentions(rec)
    facts: dict[tuple, int] = {}
    fact_rows: list[list] = []  # [subject, predicate, object, object is an entity, lower bound]
    evidence = array("q")
    sentences = array("q")
    texts: list[str] = []  # the page's distinct evidence sentences
    of_text: dict[str, tuple[int, int]] = {}  # sentence -> (its index in texts, its 8-byte hash)
    of_relation: list[int] = []
    holds, date, meeting = Prop.holds, Prop.date, Class.Meeting
    obj: object
    key: tuple
    for rel, ev in rec.relations:
        text = ev.sentence
        seen = of_text.get(text)
        if seen is None:
            h = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
                               "little", signed=True)
            h += h == GIVEN  # a sentence whose hash would be GIVEN takes the next value: GIVEN stays a mark
            seen = of_text[text] = (len(texts), h)
            texts.append(text)
        of_relation.append(seen[0])
        sentences.append(GIVEN if is_given(rec, rel) else seen[1])
        subj = of_mention[rel.subj]
        pred = rel.pred
        if rel.obj_is_entity:
            m_obj = cast(int, rel.obj)  # a mention's index in a page record
            obj = of_mention[m_obj]
            key = (subj, pred, obj, True)
            if pred == holds and folded[subj][0] == "person":
                titles.setdefault(folded[subj][1], set()).add(rec.mentions[m_obj].label)
        else:
            obj = rel.obj
            key = (subj, pred, literal_sort_key(obj), False)
            if pred == date and rec.mentions[rel.subj].cls == meeting:
                meetings[rec.mentions[rel.subj].key][3].add(str(obj))
        f = facts.get(key)
        if f is None:
            f = facts[key] = len(fact_rows)
            fact_rows.append([subj, pred, obj, rel.obj_is_entity, False])
        if rel.lower_bound:
            fact_rows[f][4] = True
        self_loop = rel.obj_is_entity and obj == subj
        evidence.extend((-1 if self_loop else f, ev.start, ev.end))
    page = PageDigest(
        rec.doc,
        [(fam, key, tuple(sorted(c.items())), tuple(sorted(lab.items())), tuple(sorted(alts)))
         for fam, key, c, lab, alts in folded],
        [(k, tuple(sorted(v))) for k, v in sorted(titles.items())],
        [(k, org, kind, ordinal, tuple(sorted(dates)), tuple(sorted(hints)))
         for k, (org, kind, ordinal, dates, hints) in sorted(meetings.items())],
        [Fact(*row) for row in fact_rows],
        evidence, sentences)
    return page, EvidencePart(rec.doc.doc_id, texts, of_relation)


# ---------------------------------------------------------------- the file: JSON and int64s, checked on read

def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _literal_out(value):
    return {"date": value.isoformat()} if isinstance(value, _dt.date) else value


def _encode_digest(page: PageDigest) -> list:
    d = page.doc
    doc = [d.doc_id, d.source_file, d.encoding, d.published.isoformat() if d.published else None, d.year,
           d.home_city, d.home_province]
    facts = [[s, p, o if is_entity else _literal_out(o), is_entity, lb] for s, p, o, is_entity, lb in page.facts]
    return [doc, page.entities, page.titles, page.meetings, facts, list(page.sentences)]


def _native(ev: array) -> array:
    """``ev`` as little-endian int64s (the file's byte order), or back."""
    if sys.byteorder == "big":
        ev = array("q", ev)
        ev.byteswap()
    return ev


def encode(rec: PageRecord) -> tuple[PageDigest, bytes]:
    """The digest of ``rec`` and the bytes of its page file."""
    page, part = split(rec)
    head = _json(_encode_digest(page))
    offsets = _native(page.evidence).tobytes()
    tail = _json([part.doc_id, part.texts, part.of_relation])
    return page, b"".join((MAGIC, _HEAD.pack(len(head), len(offsets), len(tail)), head, offsets, tail))


def write_bytes(path: Path, data: bytes) -> None:
    """Put a page file's bytes (from :func:`encode`) at ``path``, atomically (no fsync: it is a cache)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def write(path: Path, rec: PageRecord) -> PageDigest:
    """Write the page file of ``rec`` (atomically, no fsync: it is a cache); return its digest."""
    page, data = encode(rec)
    write_bytes(path, data)
    return page


class Damaged(ValueError):
    """A page file that does not hold what :func:`write` writes."""


def _want(ok: bool, what: str) -> None:
    if not ok:
        raise Damaged(what)


def _str(v) -> str:
    _want(type(v) is str, "a string")
    return v


def _opt_str(v) -> str | None:
    return None if v is None else _str(v)


def _int(v) -> int:
    _want(type(v) is int, "an integer")
    return v


def _opt_int(v) -> int | None:
    return None if v is None else _int(v)


def _list(v, n: int | None = None) -> list:
    _want(type(v) is list and (n is None or len(v) == n), "a list" if n is None else f"a list of {n}")
    return v


def _strs(v) -> tuple[str, ...]:
    return tuple(_str(x) for x in _list(v))


def _counts(v, allowed: frozenset[str] | None = None) -> tuple[tuple[str, int], ...]:
    out = []
    for pair in _list(v):
        name, n = _list(pair, 2)
        _want(allowed is None or _str(name) in allowed, f"a class of the ontology, not {name!r}")
        out.append((_str(name), _int(n)))
    return tuple(out)


def _literal_in(v):
    if type(v) is dict:
        _want(list(v) == ["date"], "a literal")
        try:
            return _dt.date.fromisoformat(_str(v["date"]))
        except ValueError:
            raise Damaged("a date") from None
    _want(type(v) in (str, int, bool), "a literal")
    return v


def _decode_digest(data, evidence: array) -> PageDigest:
    """A :class:`PageDigest` from its JSON form, every part checked (:class:`Damaged` otherwise)."""
    from kg.ontology import family, terms

    classes, predicates = terms()
    doc_part, entity_part, title_part, meeting_part, fact_part, sentence_part = _list(data, 6)
    doc_id, source, encoding, published, year, city, province = _list(doc_part, 7)
    try:
        date = _dt.date.fromisoformat(_str(published)) if published is not None else None
    except ValueError:
        raise Damaged("a publication date") from None
    doc = Document(_str(doc_id), _str(source), "", _str(encoding), date, _opt_int(year), _opt_str(city),
                   _opt_str(province))
    entities = []
    for row in _list(entity_part):
        fam, key, cls_counts, label_counts, alts = _list(row, 5)
        cls_counts = _counts(cls_counts, classes)
        _want(bool(cls_counts) and all(family(c) == fam for c, _ in cls_counts), "an entity's classes")
        entities.append((_str(fam), _str(key), cls_counts, _counts(label_counts), _strs(alts)))
    titles = [(_str(k), _strs(v)) for k, v in (_list(row, 2) for row in _list(title_part))]
    meetings = []
    for row in _list(meeting_part):
        key, org, kind, ordinal, dates, hints = _list(row, 6)
        meetings.append((_str(key), _opt_str(org), _opt_str(kind), _opt_int(ordinal), _strs(dates), _strs(hints)))
    facts = []
    n = len(entities)
    for row in _list(fact_part):
        subj, pred, obj, is_entity, lower_bound = _list(row, 5)
        _want(type(is_entity) is bool and type(lower_bound) is bool, "a fact's flags")
        _want(_str(pred) in predicates, f"a predicate of the ontology, not {pred!r}")
        _want(0 <= _int(subj) < n and (not is_entity or 0 <= _int(obj) < n), "an entity index")
        facts.append(Fact(subj, pred, obj if is_entity else _literal_in(obj), is_entity, lower_bound))
    _want(len(evidence) % 3 == 0, "evidence offsets in threes")
    if evidence:
        fids, starts, ends = evidence[0::3], evidence[1::3], evidence[2::3]
        _want(min(fids) >= -1 and max(fids) < len(facts) and min(starts) >= 0, "evidence offsets")
        _want(all(s <= e for s, e in zip(starts, ends, strict=True)), "evidence offsets")
    sentences = array("q", (_int(h) for h in _list(sentence_part)))
    _want(len(sentences) == len(evidence) // 3, "a sentence hash per relation")
    return PageDigest(doc, entities, titles, meetings, facts, evidence, sentences)


def _decode_part(data, n_relations: int) -> EvidencePart:
    doc_id, texts, of_relation = _list(data, 3)
    texts = list(_strs(texts))
    _want(len(_list(of_relation)) == n_relations and all(type(i) is int and 0 <= i < len(texts)
                                                          for i in of_relation), "sentence indices")
    return EvidencePart(_str(doc_id), texts, of_relation)


def _read(path: Path, with_digest: bool) -> tuple[PageDigest | None, EvidencePart]:
    with open(path, "rb") as fh:
        data = fh.read()
    n0 = len(MAGIC) + _HEAD.size
    _want(data.startswith(MAGIC) and len(data) >= n0, "a page file header")
    n_head, n_ev, n_tail = _HEAD.unpack_from(data, len(MAGIC))
    _want(n0 + n_head + n_ev + n_tail == len(data) and n_ev % 24 == 0, "the lengths its header gives")
    part = _decode_part(_parse(data[n0 + n_head + n_ev:]), n_ev // 24)
    if not with_digest:
        return None, part
    evidence = array("q")
    evidence.frombytes(data[n0 + n_head:n0 + n_head + n_ev])
    page = _decode_digest(_parse(data[n0:n0 + n_head]), _native(evidence))
    _want(page.doc.doc_id == part.doc_id, "one document")
    return page, part


def _parse(raw: bytes):
    try:
        return json.loads(raw.decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise Damaged(f"JSON ({err})") from None


def read_digest(path: Path) -> PageDigest | None:
    """The digest of a page file, or None when the file is missing, unreadable or fails a check.

    The evidence part is checked too, so that a page reused here can be written out later.
    """
    try:
        page, _ = _read(path, with_digest=True)
    except (OSError, ValueError):
        return None
    return page


def read_evidence(path: Path) -> EvidencePart:
    """The evidence part of a page file (:class:`Damaged` when it fails a check)."""
    return _read(path, with_digest=False)[1]


class FileSource:
    """An :data:`EvidenceSource` reading a page file when the Turtle is written (picklable, small)."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> EvidencePart:
        try:
            return read_evidence(self.path)
        except (OSError, ValueError) as err:
            from kg.errors import InputError

            # Reused page files are checked whole when read: this one changed after that.
            raise InputError(f"{self.path}: page file changed or removed while the build ran ({err}); "
                             "run kg build again.") from err
