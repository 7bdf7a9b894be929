"""The map step: one document -> one :class:`~kg.pages.PageRecord`, in one or many processes."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from kg.model import Document, Fact, Mention, Relation
from kg.pages import VERSION, Evidence, PageRecord, Statement, without_text
from kg.parallel import BATCH

if TYPE_CHECKING:
    from kg.pagefile import PageDigest


def _sentence_at(sentences: list[tuple[int, int]], at: int) -> tuple[int, int]:
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = sentences[mid]
        if at < s:
            hi = mid - 1
        elif at >= e:
            lo = mid + 1
        else:
            return s, e
    return (at, at + 1)


def _overlapping(contacts: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The contact spans (sorted and disjoint, so their ends are sorted too) that overlap start:end."""
    i = bisect_right(contacts, start, key=lambda c: c[1])
    out = []
    while i < len(contacts) and contacts[i][0] < end:
        out.append(contacts[i])
        i += 1
    return out


def evidence_for(doc: Document, clean, sentences, at: int, contacts=None) -> Evidence:
    """The original-text sentence that contains clean offset ``at``.

    When the sentence holds a phone number, an ID number or an e-mail address
    (``contacts``, original offsets, sorted and disjoint), the evidence narrows
    to the part around ``at`` that holds none (the part before the contact
    when ``at`` falls inside one), so no contact detail reaches the export and
    the offsets stay exact.
    """
    at = min(max(at, 0), max(len(clean.text) - 1, 0))
    s, e = _sentence_at(sentences, at)
    start, end = clean.to_original(s, e)
    text = doc.text
    if contacts:
        anchor = clean.to_original(at, at + 1)[0]
        for cs, ce in _overlapping(contacts, start, end):
            if ce <= anchor:
                start = max(start, ce)
            else:
                end = min(end, max(cs, start))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(doc.doc_id, text[start:end], start, end)


def _evidence_finder(doc: Document, clean, sentences, contacts) -> Callable[[int], Evidence]:
    """:func:`evidence_for` of one page, memoised by offset, and by sentence when no contact
    detail touches the sentence (then the evidence does not depend on the offset)."""
    by_at: dict[int, Evidence] = {}
    by_sentence: dict[tuple[int, int], Evidence] = {}
    last = max(len(clean.text) - 1, 0)

    def find(at: int) -> Evidence:
        ev = by_at.get(at)
        if ev is None:
            span = _sentence_at(sentences, min(max(at, 0), last))
            ev = by_sentence.get(span)
            if ev is None:
                ev = evidence_for(doc, clean, sentences, at, contacts)
                start, end = clean.to_original(*span)
                if not _overlapping(contacts or [], start, end):
                    by_sentence[span] = ev
            by_at[at] = ev
        return ev

    return find


def page_record(doc: Document, clean, spacy_doc, contacts: list[tuple[int, int]] | None = None) -> PageRecord:
    """Mentions and relations of one processed page, with evidence located.

    ``spacy_doc`` is the page's processed Doc, or the processed Docs of its chunks with the
    clean offset each starts at (see :func:`chunk_starts`). ``contacts`` are the original spans
    of the page's contact details (see :func:`contacts_of`); evidence sentences are cut short of them.
    """
    from kg.components.base import sentence_spans, state

    parts = spacy_doc if isinstance(spacy_doc, list) else [(0, spacy_doc)]
    sentences: list[tuple[int, int]] = []
    kg_mentions: list[Mention] = []
    kg_relations: list[Relation] = []
    for offset, part in parts:
        st = state(part)
        sentences.extend((s + offset, e + offset) for s, e in sentence_spans(part))
        if offset:
            _shift(st.mentions or (), st.relations or (), offset)
        kg_mentions.extend(st.mentions or ())
        kg_relations.extend(st.relations or ())
    evidence = _evidence_finder(doc, clean, sentences, contacts)
    mentions: list[Mention] = kg_mentions
    index = {id(m): i for i, m in enumerate(mentions)}

    def idx(m: Mention) -> int:
        if id(m) not in index:
            index[id(m)] = len(mentions)
            mentions.append(m)
        return index[id(m)]

    rels = []
    for rel in kg_relations:
        obj = rel.obj
        if isinstance(obj, Mention):
            fact = Fact(idx(rel.subj), rel.pred, idx(obj), True, rel.lower_bound)
        else:
            fact = Fact(idx(rel.subj), rel.pred, obj, False, rel.lower_bound)
        rels.append(Statement(fact, evidence(rel.at)))
    return PageRecord(without_text(doc), mentions, rels)


def contacts_of(doc: Document, clean):
    """The page's contact details: the clean text with them masked, and their original spans.

    They are found in the clean text (full-width digits and ＠ made ASCII,
    column-cut lines re-joined) and in the original, and mapped back through
    the offset map. The clean text keeps its length, so the pipeline's offsets
    hold, and no label, key or literal it extracts can carry a contact.
    """
    from kg.normalise import Clean
    from kg.privacy import contact_spans, mask_spans
    from kg.textscan import merge_spans

    found = contact_spans(clean.text)
    spans = [clean.to_original(s, e) for s, e in found] + contact_spans(doc.text)
    return Clean(mask_spans(clean.text, found), clean.index), merge_spans(spans)


@cache
def _pipeline(segmenter: str = "char"):
    from kg.nlp import make_pipeline

    return make_pipeline(segmenter=segmenter)


def _shift(mentions: Iterable[Mention], relations: Iterable[Relation], offset: int) -> None:
    """Move a chunk's mentions and relations by ``offset`` clean characters (each mention once)."""
    moved: set[int] = set()
    for m in (*mentions, *(x for r in relations for x in (r.subj, r.obj) if isinstance(x, Mention))):
        if id(m) not in moved:
            moved.add(id(m))
            m.start += offset
            m.end += offset
    for r in relations:
        r.at += offset


def chunk_starts(text: str, limit: int) -> list[int]:
    """Where the chunks of a clean text start: each chunk at most ``limit`` characters, cut where
    a sentence starts (kg_sentences' boundaries), or at ``limit`` when one sentence is longer."""
    from kg.components.sentences import sentence_starts

    if len(text) <= limit:
        return [0]
    starts = [0]
    cuts = sentence_starts(text)[1:] + [len(text)]
    prev = 0  # the last sentence start seen
    for cut in cuts:
        while cut - starts[-1] > limit:
            starts.append(prev if prev > starts[-1] else starts[-1] + limit)
        prev = cut
    return starts


def extract_batch(docs: list[Document], keep_contacts: bool = False, segmenter: str = "char",
                  chunk: int | None = None) -> list[PageRecord]:
    """Run a batch of documents through normalisation and the pipeline.

    A page longer than ``chunk`` clean characters (default: the pipeline's ``max_length``,
    a million) runs as sentence-aligned chunks; their offsets are moved back into the page,
    so its facts are found with exact offsets except those whose context spans a cut.
    """
    from kg.components.base import RECORD_ONLY
    from kg.normalise import clean

    nlp = _pipeline(segmenter)
    limit = chunk or nlp.max_length
    cleaned = [clean(d.text) for d in docs]
    contacts: list[list[tuple[int, int]] | None] = [None] * len(docs)
    if not keep_contacts:
        for i, (doc, cl) in enumerate(zip(docs, cleaned, strict=True)):
            cleaned[i], contacts[i] = contacts_of(doc, cl)
    spacy_docs = []
    owners: list[tuple[int, int]] = []  # (page, clean offset) of each spaCy doc
    for i, (doc, cl) in enumerate(zip(docs, cleaned, strict=True)):
        starts = chunk_starts(cl.text, limit)
        for start, end in pairwise([*starts, len(cl.text)]):
            part = cl.text[start:end]
            sd = nlp.make_doc(part)
            sd._.kg_meta = doc
            sd._.kg_text = part
            sd.user_data[RECORD_ONLY] = True  # the page record is all a build reads: no Spans to make
            spacy_docs.append(sd)
            owners.append((i, start))
    parts: list[list[tuple[int, object]]] = [[] for _ in docs]
    for (i, start), sd in zip(owners, nlp.pipe(spacy_docs, batch_size=BATCH), strict=True):
        parts[i].append((start, sd))
    return [page_record(doc, cl, part if len(part) > 1 else part[0][1], found)
            for doc, cl, part, found in zip(docs, cleaned, parts, contacts, strict=True)]


def extract_page_files(items: list[tuple[Document, Path]], keep_contacts: bool = False,
                       segmenter: str = "char") -> list[PageDigest]:
    """Worker side of a build: extract a batch, write each page's file (kg.pagefile), return digests."""
    from kg import pagefile

    records = extract_batch([doc for doc, _ in items], keep_contacts, segmenter)
    return [pagefile.write(path, rec) for (_, path), rec in zip(items, records, strict=True)]


def extract_nquad_files(items: list[tuple[Document, Path]], keep_contacts: bool = False) -> list[Path]:
    """Worker side of ``kg extract``: each page's record as N-Quads in its file; returns the files."""
    from kg.atomic import atomic_write_text
    from kg.pages import to_nquads

    records = extract_batch([doc for doc, _ in items], keep_contacts)
    for (_, path), rec in zip(items, records, strict=True):
        atomic_write_text(path, to_nquads(rec))
    return [path for _, path in items]


@cache
def code_fingerprint() -> str:
    """Hash of the extraction code and data: a cached page is reused only when it matches."""
    root = Path(__file__).parent
    h = hashlib.sha256(VERSION.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".tsv", ".txt", ".jsonl", ".json", ".toml"} \
                and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def page_key(doc: Document, settings: str = "") -> str:
    """Cache key of one page: its text, its metadata, the settings and the code that extracts it."""
    h = hashlib.sha256()
    for part in (code_fingerprint(), settings, doc.doc_id, doc.source_file, doc.encoding, doc.published, doc.year,
                 doc.home_city, doc.home_province, doc.text):
        h.update(str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()[:32]


Progress = Callable[[PageRecord], None]
