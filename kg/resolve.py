"""Mentions -> entities: merge by key and alias rules, mint stable IRIs, attach evidence.

Resolution runs over all documents at once (a reduce step): one real entity is
one node whatever the page or the input order. Every merge that is more than
"same key" is recorded in :attr:`Resolution.merges` so it can be explained.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple, cast
from urllib.parse import quote

from kg.model import Document, Fact
from kg.ontology import CLASS_RANK
from kg.pagefile import GIVEN, EvidenceSource, PageDigest
from kg.pages import PageRecord
from kg.prefixes import DATA_IRI, EVIDENCE_IRI, SENTENCE_IRI

EVIDENCE_NS = EVIDENCE_IRI
SENTENCE_NS = SENTENCE_IRI
# Evidence nodes kept per fact and identical sentence text: a sentence copied onto many pages
# (wire copy, reprints, 20,000 copies of one file) shows the fact a few times, not once a page.
SAME_SENTENCE_CAP = 3
# Evidence nodes kept per fact its subject's name or the gazetteer fixes (``kg.pagefile.is_given``: a
# post's title, a place's code, a parent the page does not write): the first page's, not one a page.
GIVEN_CAP = 1


def short_hash(*parts: object, n: int = 16) -> str:
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:n]


def entity_iri(fam: str, key: str) -> str:
    if fam == "place" and key.isdigit():
        return f"{DATA_IRI}place/{key}"
    return f"{DATA_IRI}{fam}/{short_hash(fam, key)}"


def fact_hash_key(fact: Fact) -> str:
    """The fact's part of its evidence IRIs: sha1 of subject, predicate, object, document, start, end."""
    obj_id = fact.obj if fact.obj_is_entity else literal_sort_key(fact.obj)
    return f"{fact.subj}\x1f{fact.pred}\x1f{obj_id}\x1f"


def sentence_iri(doc_id: str, start: int, end: int) -> str:
    """A ``kg:Sentence``'s IRI: 16 hex digits of sha1 of its document id and offsets (the same in every build)."""
    return SENTENCE_NS + short_hash(doc_id, start, end)


def doc_iri(doc_id: str) -> str:
    return f"{DATA_IRI}doc/{quote(doc_id, safe='/-_.~')}"


@dataclass
class Entity:
    iri: str
    fam: str
    key: str
    classes: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    alt_labels: set[str] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)  # doc ids
    attrs: dict = field(default_factory=dict)

    @property
    def cls(self) -> str:
        return min(self.classes, key=lambda c: (CLASS_RANK.get(c, len(CLASS_RANK)), c))

    @property
    def label(self) -> str:
        return min(self.labels, key=lambda s: (-self.labels[s], -len(s), s))

    def all_alt_labels(self) -> list[str]:
        label = self.label
        return sorted((set(self.labels) | self.alt_labels) - {label, ""})


class EvidenceNode(NamedTuple):
    """One sentence stating one fact: an ``rdf:Statement`` of the export, pointing to its ``kg:Sentence``."""

    iri: str
    fact: Fact
    doc_id: str
    start: int
    end: int
    sentence: str  # the IRI of its kg:Sentence (sentence_iri of doc_id, start, end)


class SentenceNode(NamedTuple):
    """A ``kg:Sentence``: one evidence sentence of a page, however many facts it backs."""

    iri: str  # sentence_iri(doc_id, start, end)
    doc_id: str
    text: str  # as in the source text
    start: int
    end: int


class PageEvidence(NamedTuple):
    """One page's evidence: its ``kg:Sentence`` nodes (each once) and the statements that point to them."""

    doc_id: str
    sentences: list[SentenceNode]  # sorted by IRI
    nodes: list[EvidenceNode]  # sorted by IRI


@dataclass
class _Page:
    doc_id: str
    evidence: array  # per relation: raw fact id (-1: none, or over SAME_SENTENCE_CAP), start, end
    source: EvidenceSource
    sentences: array  # per relation: hash of its sentence text


@dataclass
class Resolution:
    entities: dict[str, Entity]
    facts: dict[tuple, Fact]  # (subject IRI, predicate, object IRI or literal key) -> the fact, between IRIs
    documents: dict[str, Document]
    merges: list[str]
    pages: list[_Page] = field(default_factory=list)  # in doc_id order
    fact_of: list[Fact | None] = field(default_factory=list)  # raw fact id -> resolved fact
    n_sentences: int = 0  # distinct evidence sentences (pages × spans) that back a kept evidence node
    n_evidence: dict[tuple, int] = field(default_factory=dict)  # per key of ``facts``: its evidence nodes

    def evidence_count(self) -> int:
        """Evidence nodes in all: distinct (page, sentence span) statements of each fact."""
        return sum(self.n_evidence.values())

    def evidence(self) -> Iterator[EvidenceNode]:
        """Every evidence node, page by page in doc_id order, each page's nodes sorted by IRI."""
        for page in self.evidence_pages():
            yield from page.nodes

    def evidence_pages(self) -> Iterator[PageEvidence]:
        """Every page's evidence, in doc_id order: its distinct sentences and the statements they back.

        The sentences are read back from each page's :data:`EvidenceSource` here,
        so they are never all in memory at once.
        """
        keys: dict[int, str] = {}  # id(fact) -> the fact's part of its evidence hashes
        sha1, fact_of = hashlib.sha1, self.fact_of
        for page in self.pages:
            if not page.evidence:
                continue
            nodes: dict[str, EvidenceNode] = {}
            spans: dict[tuple[int, int], tuple[str, int]] = {}  # (start, end) -> sentence IRI, a relation stating it
            ev, doc_id = page.evidence, page.doc_id
            for j in range(len(ev) // 3):
                fid = ev[3 * j]
                fact = fact_of[fid] if fid >= 0 else None
                if fact is None:
                    continue
                start, end = ev[3 * j + 1], ev[3 * j + 2]
                key = keys.get(id(fact))
                if key is None:
                    key = keys[id(fact)] = fact_hash_key(fact)
                digest = sha1(f"{key}{doc_id}\x1f{start}\x1f{end}".encode()).hexdigest()
                e = EVIDENCE_NS + digest[:16]
                if e not in nodes:
                    span = spans.get((start, end))
                    if span is None:
                        span = spans[(start, end)] = (sentence_iri(doc_id, start, end), j)
                    nodes[e] = EvidenceNode(e, fact, doc_id, start, end, span[0])
            if not nodes:
                continue
            part = page.source()
            sentences = sorted(SentenceNode(s_iri, doc_id, part.text_of(j), start, end)
                               for (start, end), (s_iri, j) in spans.items())
            yield PageEvidence(doc_id, sentences, [nodes[e] for e in sorted(nodes)])


class _RawEntity:
    __slots__ = ("alt_labels", "classes", "docs", "labels")

    def __init__(self) -> None:
        self.classes: Counter = Counter()
        self.labels: Counter = Counter()
        self.alt_labels: set[str] = set()
        self.docs: set[str] = set()


class Resolver:
    """Resolves page records (the map step's output) into entities and facts (the reduce step).

    :meth:`add` folds one page at a time into per-key aggregates (names,
    classes, titles, meeting dates, facts between raw keys) and keeps only
    offsets of its evidence; the sentences stay with the page's
    :data:`EvidenceSource`. :meth:`resolve` then applies the cross-page merges.
    Memory grows with the graph, not with the text read.
    """

    def __init__(self) -> None:
        self.documents: dict[str, Document] = {}
        self.raw: dict[tuple[str, str], _RawEntity] = {}
        self.titles: dict[str, set[str]] = defaultdict(set)  # person key -> post titles
        self.meetings: dict[str, dict] = {}  # meeting key -> organizer, kind, ordinal, dates, hints
        self.fact_ids: dict[tuple, int] = {}  # (subj raw key, pred, ("E", obj raw key) | ("L", literal key))
        self.fact_obj: list[tuple[object, bool]] = []  # raw fact id -> (object raw key or literal, is entity)
        self.lower_bound: set[int] = set()
        self.pages: list[_Page] = []

    def add(self, page: PageRecord | PageDigest, source: EvidenceSource | None = None) -> None:
        """Fold in one page: a digest and its evidence source, or a whole record (sentences kept in memory)."""
        if isinstance(page, PageRecord):
            from kg.pagefile import split

            page, part = split(page)
            source = source or _Kept(part)
        assert source is not None, "a PageDigest comes with its evidence source"
        doc_id = page.doc.doc_id
        self.documents[doc_id] = page.doc
        keys = []
        for fam, key, classes, labels, alts in page.entities:
            k = (fam, key)
            ent = self.raw.get(k)
            if ent is None:
                ent = self.raw[k] = _RawEntity()
            for c, n in classes:
                ent.classes[c] += n
            for label, n in labels:
                ent.labels[label] += n
            ent.alt_labels.update(alts)
            ent.docs.add(doc_id)
            keys.append(k)
        for key, titles in page.titles:
            self.titles[key].update(titles)
        for key, org, kind, ordinal, dates, hints in page.meetings:
            info = self.meetings.get(key)
            if info is None:
                info = self.meetings[key] = {"org": org, "kind": kind, "ordinal": ordinal, "dates": set(),
                                             "hints": set()}
            info["dates"].update(dates)
            info["hints"].update(hints)
        fids = []
        for subj, pred, obj, is_entity, lower_bound in page.facts:
            if is_entity:
                obj = keys[cast(int, obj)]
                fkey = (keys[subj], pred, ("E", obj))
            else:
                fkey = (keys[subj], pred, ("L", literal_sort_key(obj)))
            fid = self.fact_ids.get(fkey)
            if fid is None:
                fid = self.fact_ids[fkey] = len(self.fact_obj)
                self.fact_obj.append((obj, is_entity))
            if lower_bound:
                self.lower_bound.add(fid)
            fids.append(fid)
        ev = array("q", page.evidence)
        for j in range(0, len(ev), 3):
            if ev[j] >= 0:
                ev[j] = fids[ev[j]]
        self.pages.append(_Page(doc_id, ev, source, array("q", page.sentences)))

    def resolve(self) -> Resolution:
        merges: list[str] = []
        redirect = _alias_redirects(self.titles, merges)
        redirect.update(_meeting_redirects(self.meetings, merges))

        def final(key: tuple[str, str]) -> tuple[str, str]:
            return (key[0], redirect.get(key, key[1]))

        entities: dict[tuple[str, str], Entity] = {}
        for key in sorted(self.raw):
            raw = self.raw[key]
            fam, fkey = final(key)
            ent = entities.get((fam, fkey))
            if ent is None:
                ent = entities[(fam, fkey)] = Entity(entity_iri(fam, fkey), fam, fkey)
            ent.classes.update(raw.classes)
            ent.labels.update(raw.labels)
            ent.alt_labels |= raw.alt_labels
            ent.docs |= raw.docs
        iri_of = {key: entities[final(key)].iri for key in self.raw}

        keys: list[tuple | None] = [None] * len(self.fact_obj)  # raw fact id -> its resolved fact's key
        found: dict[tuple, list] = {}  # key -> [subject, predicate, object, object is an entity, lower bound]
        for (subj_key, pred, _), fid in self.fact_ids.items():
            subj = iri_of[subj_key]
            obj, is_entity = self.fact_obj[fid]
            fact_key: tuple
            if is_entity:
                obj = iri_of[cast(tuple[str, str], obj)]  # the entity's raw key, when is_entity
                if obj == subj:
                    continue
                fact_key = (subj, pred, obj)
            else:
                fact_key = (subj, pred, literal_sort_key(obj))
            row = found.get(fact_key)
            if row is None:
                row = found[fact_key] = [subj, pred, obj, is_entity, False]
            row[4] = row[4] or fid in self.lower_bound
            keys[fid] = fact_key
        facts = {k: Fact(*row) for k, row in found.items()}
        fact_of: list[Fact | None] = [facts[k] if k is not None else None for k in keys]
        index = {k: i for i, k in enumerate(facts)}
        resolved = [index[k] if k is not None else -1 for k in keys]  # raw fact id -> its resolved fact's index

        pages = sorted(self.pages, key=lambda p: p.doc_id)
        same_text: dict[tuple, int] = {}  # (fact index, sentence hash) -> evidence nodes kept
        counts = [0] * len(facts)  # fact index -> evidence nodes kept
        n_sentences = 0
        for page in pages:  # distinct evidence per fact: a page's spans, after merges, capped per sentence text
            kept: dict[tuple, bool] = {}
            ev, texts = page.evidence, page.sentences
            for j in range(0, len(ev), 3):
                f = resolved[ev[j]] if ev[j] >= 0 else -1
                if f < 0:
                    continue
                node = (f, ev[j + 1], ev[j + 2])
                keep = kept.get(node)
                if keep is None:
                    text = (f, texts[j // 3]) if texts else node
                    cap = GIVEN_CAP if texts and texts[j // 3] == GIVEN else SAME_SENTENCE_CAP
                    n = same_text.get(text, 0)
                    keep = kept[node] = n < cap
                    if keep:
                        same_text[text] = n + 1
                        counts[f] += 1
                if not keep:
                    ev[j] = -1
            n_sentences += len({(start, end) for (_, start, end), keep in kept.items() if keep})
        by_iri = {ent.iri: ent for ent in entities.values()}
        return Resolution(by_iri, facts, dict(sorted(self.documents.items())), merges, pages, fact_of, n_sentences,
                          {k: n for k, n in zip(facts, counts, strict=True) if n})


class _Kept:
    """An evidence source that holds the part in memory."""

    __slots__ = ("part",)

    def __init__(self, part) -> None:
        self.part = part

    def __call__(self):
        return self.part


def _alias_redirects(titles: dict[str, set[str]], merges: list[str]) -> dict[tuple[str, str], str]:
    """Person keys printed without the surname (建国 for 张建国) -> the full name with a shared title.

    A two-character name that is the given name of a three-character name
    merges into it when both are seen with the same post title; otherwise
    they stay apart (homonyms and unrelated people).
    """
    redirect: dict[tuple[str, str], str] = {}
    by_given: dict[str, list[str]] = defaultdict(list)
    for name in sorted(titles):
        if len(name) == 3:
            by_given[name[1:]].append(name)
    for short in sorted(titles):
        if len(short) != 2:
            continue
        longs = [n for n in by_given.get(short, ()) if titles[n] & titles[short]]
        if len(longs) == 1:
            shared = "、".join(sorted(titles[longs[0]] & titles[short]))
            redirect[("person", short)] = longs[0]
            merges.append(f"person {short} -> {longs[0]}: surname dropped, same post ({shared})")
    return redirect


def _meeting_redirects(infos: dict[str, dict], merges: list[str]) -> dict[tuple[str, str], str]:
    """Meeting keys that name one meeting: same organizer and kind, and same ordinal or same date.

    A mention with an ordinal is canonical (org|kind|#N). A mention without one
    joins the canonical meeting of the same organizer and kind held on its
    date; a relayed reference with neither joins the meeting held on one of its
    hint dates (the same day or the day before the relaying meeting).
    """
    redirect: dict[tuple[str, str], str] = {}
    numbered: dict[tuple, list[str]] = defaultdict(list)  # (organizer, kind) -> keys with an ordinal
    dated: dict[tuple, list[str]] = defaultdict(list)  # (organizer, kind) -> keys with an ordinal or a date
    for k in sorted(infos):
        v = infos[k]
        if v["ordinal"] is not None:
            numbered[(v["org"], v["kind"])].append(k)
        if v["ordinal"] is not None or v["dates"]:
            dated[(v["org"], v["kind"])].append(k)
    for key in sorted(infos):
        info = infos[key]
        if info["ordinal"] is not None:
            continue
        group = (info["org"], info["kind"])
        on_date = [k for k in numbered.get(group, ()) if infos[k]["dates"] & info["dates"]]
        hinted = []
        if not info["dates"]:
            hinted = [k for k in dated.get(group, ()) if k != key and infos[k]["dates"] & info["hints"]]
        if len(on_date) == 1:
            redirect[("meeting", key)] = on_date[0]
            merges.append(f"meeting {key} -> {on_date[0]}: same organizer, kind and date")
        elif hinted:
            # the latest meeting on the relaying day or the day before is the one relayed
            best = max(hinted, key=lambda k: (max(infos[k]["dates"] & info["hints"]), k))
            redirect[("meeting", key)] = best
            merges.append(f"meeting {key} -> {best}: relayed meeting held the same day or the day before")
    return redirect


def literal_sort_key(value: object) -> tuple[str, str]:
    if isinstance(value, _dt.date):
        return ("date", value.isoformat())
    return (type(value).__name__, str(value))
