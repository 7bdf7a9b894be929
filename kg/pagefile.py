"""A page's record split in two: what resolution needs, and its evidence sentences.

Resolution (the reduce) needs every page's mentions and relations, but the
sentences only when the Turtle is written. So a worker splits each page
record into

- a *compact* record: the same :class:`~kg.pages.PageRecord` with every
  evidence sentence emptied (offsets kept), sent to the reducing process;
- its *evidence part*: the page's document term, its distinct evidence
  sentences rendered once as Turtle literals, and for each relation the index
  of its sentence. A page that states twenty facts in one sentence stores it once.

Both go into one *page file* (``<cache key>.page`` in the build cache): the
compact record first, so a reused page is read without its sentences, and
the evidence part after it, read again only while the Turtle is streamed.
Page files are a cache: a file that cannot be read is re-extracted.
"""

from __future__ import annotations

import os
import pickle
import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kg.pages import PageRecord

_HEAD = struct.Struct("<Q")  # byte length of the compact record's pickle


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


def split(rec: PageRecord) -> tuple[PageRecord, EvidencePart]:
    """The compact record (sentences emptied) and the evidence part of ``rec``."""
    from kg.export import short_term
    from kg.graph import iri, zh
    from kg.resolve import doc_iri

    index: dict[str, int] = {}
    sentences: list[str] = []
    of_relation: list[int] = []
    relations = []
    for rel in rec.relations:
        text = rel.evidence.sentence
        i = index.get(text)
        if i is None:
            i = index[text] = len(sentences)
            sentences.append(zh(text))
        of_relation.append(i)
        relations.append(replace(rel, evidence=replace(rel.evidence, sentence="")))
    part = EvidencePart(short_term(iri(doc_iri(rec.doc.doc_id))), sentences, of_relation)
    return PageRecord(rec.doc, rec.mentions, relations), part


def write(path: Path, rec: PageRecord) -> PageRecord:
    """Write the page file of ``rec`` (atomically, no fsync: it is a cache); return the compact record."""
    compact, part = split(rec)
    head = pickle.dumps(compact, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(_HEAD.pack(len(head)))
        fh.write(head)
        pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return compact


def read_record(path: Path) -> PageRecord | None:
    """The compact record of a page file, or None when the file is missing or unreadable."""
    try:
        with open(path, "rb") as fh:
            (n,) = _HEAD.unpack(fh.read(_HEAD.size))
            rec = pickle.loads(fh.read(n))
    except (OSError, EOFError, struct.error, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    return rec if isinstance(rec, PageRecord) else None


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
        return read_evidence(self.path)
