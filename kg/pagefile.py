"""A page's record split in two: what resolution needs, and its evidence sentences.

Resolution (the reduce) needs every page's mentions and relations, but the
sentences only when the Turtle is written. So a worker splits each page
record into

- a *digest* (:class:`PageDigest`): its entities and facts folded per key,
  with the offsets of their evidence, as plain tuples sent to the reducing process;
- its *evidence part*: the page's document term, its distinct evidence
  sentences rendered once as Turtle literals, and for each relation the index
  of its sentence. A page that states twenty facts in one sentence stores it once.

Both go into one *page file* (``<cache key>.page`` in the build cache): the
digest first, so a reused page is read without its sentences, and
the evidence part after it, read again only while the Turtle is streamed.
Page files are a cache: a file that cannot be read is re-extracted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kg.model import Document
from kg.pages import PageRecord

_HEAD = struct.Struct("<Q")  # byte length of the digest's pickle


@dataclass(frozen=True)
class EvidencePart:
    """The sentences of one page's relations, as Turtle text."""

    doc_term: str  # the document as written in Turtle (prov:wasDerivedFrom's object)
    sentences: list[str]  # distinct sentences, each an N-Triples literal ("…"@zh)
    of_relation: list[int]  # for relation j, the index of its sentence in ``sentences``

    def tail(self, j: int, start: int, end: int) -> str:
        """The evidence node's provenance, for relation j (Turtle predicate-object list)."""
        return (f"prov:wasDerivedFrom {self.doc_term} ;\n    kg:sentence {self.sentences[self.of_relation[j]]} ;"
                f"\n    kg:charStart {start} ;\n    kg:charEnd {end}")


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
    facts: list[tuple]  # (subject index, predicate, object index or literal, object is entity, lower bound)
    evidence: array  # flat: fact index (-1: a relation of an entity to itself), start, end
    sentences: array = array("q")  # per relation: a 64-bit hash of its evidence sentence's text


def digest(rec: PageRecord) -> PageDigest:
    """Fold a page record into its :class:`PageDigest`."""
    from kg.resolve import family, literal_sort_key

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
        elif m.cls == "Meeting":
            a = m.attrs
            org, kind, ordinal, dates, hints = meetings.get(m.key, (a.get("org", ""), a.get("kind"),
                                                                   a.get("ordinal"), set(), set()))
            if a.get("date"):
                dates.add(a["date"])
            hints.update(a.get("hints", ()))
            meetings[m.key] = (org, kind, ordinal, dates, hints)
        of_mention.append(i)
    facts: dict[tuple, int] = {}
    fact_rows: list[tuple] = []
    evidence = array("q")
    sentences = array("q")
    hashes: dict[str, int] = {}
    for rel in rec.relations:
        text = rel.evidence.sentence
        h = hashes.get(text)
        if h is None:
            h = hashes[text] = int.from_bytes(
                hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little", signed=True)
        sentences.append(h)
        subj = of_mention[rel.subj]
        if rel.obj_is_mention:
            obj = of_mention[rel.obj]
            key = (subj, rel.pred, obj, True)
            if rel.pred == "holds" and folded[subj][0] == "person":
                titles.setdefault(folded[subj][1], set()).add(rec.mentions[rel.obj].label)
        else:
            obj = rel.obj
            key = (subj, rel.pred, literal_sort_key(obj), False)
            if rel.pred == "date" and rec.mentions[rel.subj].cls == "Meeting":
                meetings[rec.mentions[rel.subj].key][3].add(str(obj))
        f = facts.get(key)
        if f is None:
            f = facts[key] = len(fact_rows)
            fact_rows.append([subj, rel.pred, obj, rel.obj_is_mention, False])
        fact_rows[f][4] |= rel.lower_bound
        self_loop = rel.obj_is_mention and obj == subj
        evidence.extend((-1 if self_loop else f, rel.evidence.start, rel.evidence.end))
    return PageDigest(
        rec.doc,
        [(fam, key, tuple(sorted(c.items())), tuple(sorted(lab.items())), tuple(sorted(alts)))
         for fam, key, c, lab, alts in folded],
        [(k, tuple(sorted(v))) for k, v in sorted(titles.items())],
        [(k, org, kind, ordinal, tuple(sorted(dates)), tuple(sorted(hints)))
         for k, (org, kind, ordinal, dates, hints) in sorted(meetings.items())],
        [tuple(row) for row in fact_rows],
        evidence, sentences)


def split(rec: PageRecord) -> tuple[PageDigest, EvidencePart]:
    """The digest and the evidence part of ``rec``."""
    from kg.graph import iri, short_term, zh
    from kg.resolve import doc_iri

    index: dict[str, int] = {}
    sentences: list[str] = []
    of_relation: list[int] = []
    for rel in rec.relations:
        text = rel.evidence.sentence
        i = index.get(text)
        if i is None:
            i = index[text] = len(sentences)
            sentences.append(zh(text))
        of_relation.append(i)
    part = EvidencePart(short_term(iri(doc_iri(rec.doc.doc_id))), sentences, of_relation)
    return digest(rec), part


def write(path: Path, rec: PageRecord) -> PageDigest:
    """Write the page file of ``rec`` (atomically, no fsync: it is a cache); return its digest."""
    page, part = split(rec)
    head = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(_HEAD.pack(len(head)))
        fh.write(head)
        pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return page


def read_digest(path: Path) -> PageDigest | None:
    """The digest of a page file, or None when the file is missing or unreadable."""
    try:
        with open(path, "rb") as fh:
            (n,) = _HEAD.unpack(fh.read(_HEAD.size))
            if n > os.fstat(fh.fileno()).st_size - _HEAD.size:
                return None
            rec = pickle.loads(fh.read(n))
    except (OSError, EOFError, struct.error, pickle.UnpicklingError, AttributeError, ImportError, ValueError,
            TypeError, IndexError, KeyError):
        return None
    return rec if isinstance(rec, PageDigest) else None


def read_evidence(path: Path) -> EvidencePart:
    """The evidence part of a page file."""
    with open(path, "rb") as fh:
        (n,) = _HEAD.unpack(fh.read(_HEAD.size))
        fh.seek(_HEAD.size + n)
        return pickle.load(fh)


class FileSource:
    """An :data:`EvidenceSource` reading a page file when the Turtle is written (picklable, small)."""

    __slots__ = ("path",)

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> EvidencePart:
        try:
            return read_evidence(self.path)
        except (OSError, EOFError, struct.error, pickle.UnpicklingError, AttributeError, ValueError) as err:
            from kg.errors import InputError

            raise InputError(f"{self.path}: page file damaged while the build ran ({err}); "
                             "run kg build --clean.") from err
