"""Mentions -> entities: merge by key and alias rules, mint stable IRIs, attach evidence.

Resolution runs over all documents at once (a reduce step): one real entity is
one node whatever the page or the input order. Every merge that is more than
"same key" is recorded in :attr:`Resolution.merges` so it can be explained.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from kg.model import Document, Mention, Relation
from kg.normalise import Clean
from kg.prefixes import DATA_IRI

PLACE_CLASSES = ("Country", "Province", "City", "County", "Township", "Community", "Site", "Place")
# Which class wins when mentions of one entity disagree (most specific first).
FAMILY = {c: "place" for c in PLACE_CLASSES} | {"Person": "person", "Official": "person"}
CLASS_RANK = {"Official": 0, "Person": 1, "Country": 0, "Province": 1, "City": 2, "County": 3,
              "Township": 4, "Community": 5, "Site": 6, "Place": 9}


def family(cls: str) -> str:
    return FAMILY.get(cls, cls.lower())


def short_hash(*parts: object, n: int = 16) -> str:
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:n]


def entity_iri(fam: str, key: str) -> str:
    if fam == "place" and key.isdigit():
        return f"{DATA_IRI}place/{key}"
    return f"{DATA_IRI}{fam}/{short_hash(fam, key)}"


def doc_iri(doc_id: str) -> str:
    return f"{DATA_IRI}doc/{quote(doc_id, safe='-_.~')}"


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
        return min(self.classes, key=lambda c: (CLASS_RANK.get(c, 5), c))

    @property
    def label(self) -> str:
        return min(self.labels, key=lambda s: (-self.labels[s], -len(s), s))

    def all_alt_labels(self) -> list[str]:
        label = self.label
        return sorted((set(self.labels) | self.alt_labels) - {label, ""})


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    sentence: str
    start: int
    end: int


@dataclass
class Fact:
    """subject IRI, predicate local name, object (IRI str for entities, else literal)."""

    subj: str
    pred: str
    obj: object
    obj_is_entity: bool
    evidence: set[Evidence] = field(default_factory=set)
    lower_bound: bool = False


@dataclass
class PageResult:
    """What the pipeline found on one page (the map step's output)."""

    doc: Document
    clean: Clean
    sentences: list[tuple[int, int]]  # clean-text spans
    mentions: list[Mention]
    relations: list[Relation]


@dataclass
class Resolution:
    entities: dict[str, Entity]
    facts: dict[tuple, Fact]
    documents: dict[str, Document]
    merges: list[str]


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


def evidence_for(page: PageResult, at: int, contacts: list[tuple[int, int]] | None = None) -> Evidence:
    """The original-text sentence that contains clean offset ``at``.

    When the sentence holds a phone number or e-mail (``contacts``, original
    offsets), the evidence narrows to the clause around ``at`` that holds none,
    so that no contact detail reaches the export and offsets stay exact.
    """
    s, e = _sentence_at(page.sentences, min(max(at, 0), max(len(page.clean.text) - 1, 0)))
    start, end = page.clean.to_original(s, e)
    text = page.doc.text
    if contacts:
        anchor = page.clean.to_original(at, at + 1)[0]
        for cs, ce in contacts:
            if ce <= start or cs >= end:
                continue
            if ce <= anchor:
                start = max(start, ce)
            elif cs > anchor:
                end = min(end, cs)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(page.doc.doc_id, text[start:end], start, end)


class Resolver:
    """Collects page results and turns them into entities and facts."""

    def __init__(self, contact_finder=None) -> None:
        self.pages: list[PageResult] = []
        self.contact_finder = contact_finder

    def add(self, page: PageResult) -> None:
        self.pages.append(page)

    def resolve(self) -> Resolution:
        pages = sorted(self.pages, key=lambda p: p.doc.doc_id)
        entities: dict[tuple[str, str], Entity] = {}
        merges: list[str] = []
        facts: dict[tuple, Fact] = {}
        # key -> canonical key (alias merges)
        redirect = self._alias_redirects(pages, merges)

        def entity_of(m: Mention, doc: Document) -> Entity:
            fam = family(m.cls)
            key = redirect.get((fam, m.key), m.key)
            ent = entities.get((fam, key))
            if ent is None:
                ent = entities[(fam, key)] = Entity(entity_iri(fam, key), fam, key)
            ent.classes[m.cls] += 1
            if m.label:
                ent.labels[m.label] += 1
            ent.alt_labels.update(a for a in m.alt_labels if a)
            ent.docs.add(doc.doc_id)
            return ent

        for page in pages:
            contacts = self.contact_finder(page.doc.text) if self.contact_finder else None
            ents = {id(m): entity_of(m, page.doc) for m in page.mentions}
            for rel in page.relations:
                subj = ents.get(id(rel.subj)) or entity_of(rel.subj, page.doc)
                if isinstance(rel.obj, Mention):
                    obj_ent = ents.get(id(rel.obj)) or entity_of(rel.obj, page.doc)
                    if obj_ent is subj:
                        continue
                    obj, is_ent = obj_ent.iri, True
                else:
                    obj, is_ent = rel.obj, False
                fkey = (subj.iri, rel.pred, obj if is_ent else (type(obj).__name__, str(obj)))
                fact = facts.get(fkey)
                if fact is None:
                    fact = facts[fkey] = Fact(subj.iri, rel.pred, obj, is_ent)
                fact.lower_bound |= rel.lower_bound
                fact.evidence.add(evidence_for(page, rel.at, contacts))
        by_iri: dict[str, Entity] = {}
        for ent in entities.values():
            by_iri[ent.iri] = ent
        return Resolution(by_iri, facts, {p.doc.doc_id: p.doc for p in pages}, merges)

    @staticmethod
    def _alias_redirects(pages: list[PageResult], merges: list[str]) -> dict[tuple[str, str], str]:
        """Person keys printed without the surname (黎光) -> the full name with a shared title.

        A two-character name that is the given name of a three-character name
        merges into it when both are seen with the same post title; otherwise
        they stay apart (homonyms and unrelated people).
        """
        titles: dict[str, set[str]] = defaultdict(set)
        for page in pages:
            for m in page.mentions:
                if family(m.cls) == "person":
                    titles[m.key].update(m.attrs.get("titles", ()))
            for rel in page.relations:
                if rel.pred == "holds" and family(rel.subj.cls) == "person" and isinstance(rel.obj, Mention):
                    titles[rel.subj.key].add(rel.obj.label)
        redirect: dict[tuple[str, str], str] = {}
        names = sorted(titles)
        for short in names:
            if len(short) != 2:
                continue
            longs = [n for n in names if len(n) == 3 and n[1:] == short and titles[n] & titles[short]]
            if len(longs) == 1:
                shared = "、".join(sorted(titles[longs[0]] & titles[short]))
                redirect[("person", short)] = longs[0]
                merges.append(f"person {short} -> {longs[0]}: surname dropped, same post ({shared})")
        return redirect


def literal_sort_key(value: object) -> tuple[str, str]:
    if isinstance(value, _dt.date):
        return ("date", value.isoformat())
    return (type(value).__name__, str(value))
