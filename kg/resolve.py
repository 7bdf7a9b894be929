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

from kg.model import Document, Mention
from kg.pages import Evidence, PageRecord
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
class Resolution:
    entities: dict[str, Entity]
    facts: dict[tuple, Fact]
    documents: dict[str, Document]
    merges: list[str]


class Resolver:
    """Collects page records (the map step's output) and resolves them (the reduce step)."""

    def __init__(self) -> None:
        self.pages: list[PageRecord] = []

    def add(self, page: PageRecord) -> None:
        self.pages.append(page)

    def resolve(self) -> Resolution:
        pages = sorted(self.pages, key=lambda p: p.doc.doc_id)
        entities: dict[tuple[str, str], Entity] = {}
        merges: list[str] = []
        facts: dict[tuple, Fact] = {}
        redirect = self._alias_redirects(pages, merges)
        redirect.update(self._meeting_redirects(pages, merges))

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
            ents = [entity_of(m, page.doc) for m in page.mentions]
            for rel in page.relations:
                subj = ents[rel.subj]
                if rel.obj_is_mention:
                    if ents[rel.obj] is subj:
                        continue
                    obj, fkey_obj = ents[rel.obj].iri, ents[rel.obj].iri
                else:
                    obj, fkey_obj = rel.obj, literal_sort_key(rel.obj)
                fkey = (subj.iri, rel.pred, fkey_obj)
                fact = facts.get(fkey)
                if fact is None:
                    fact = facts[fkey] = Fact(subj.iri, rel.pred, obj, rel.obj_is_mention)
                fact.lower_bound |= rel.lower_bound
                fact.evidence.add(rel.evidence)
        by_iri = {ent.iri: ent for ent in entities.values()}
        return Resolution(by_iri, facts, {p.doc.doc_id: p.doc for p in pages}, merges)

    @staticmethod
    def _meeting_redirects(pages, merges):
        return _meeting_redirects_impl(pages, merges)

    @staticmethod
    def _alias_redirects(pages: list[PageRecord], merges: list[str]) -> dict[tuple[str, str], str]:
        """Person keys printed without the surname (建国 for 张建国) -> the full name with a shared title.

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
                subj = page.mentions[rel.subj]
                if rel.pred == "holds" and family(subj.cls) == "person" and rel.obj_is_mention:
                    titles[subj.key].add(page.mentions[rel.obj].label)
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


def _meeting_redirects_impl(pages, merges):
    """Meeting keys that name one meeting: same organizer and kind, and same ordinal or same date.

    A mention with an ordinal is canonical (org|kind|#N). A mention without one
    joins the canonical meeting of the same organizer and kind held on its
    date; a relayed reference with neither joins the meeting held on one of its
    hint dates (the same day or the day before the relaying meeting).
    """
    infos: dict[str, dict] = {}
    for page in pages:
        for m in page.mentions:
            if m.cls != "Meeting":
                continue
            info = infos.setdefault(m.key, {"org": m.attrs.get("org", ""), "kind": m.attrs.get("kind"),
                                            "ordinal": m.attrs.get("ordinal"), "dates": set(), "hints": set()})
            if m.attrs.get("date"):
                info["dates"].add(m.attrs["date"])
            info["hints"].update(m.attrs.get("hints", ()))
        for rel in page.relations:
            subj = page.mentions[rel.subj]
            if subj.cls == "Meeting" and rel.pred == "date" and subj.key in infos:
                infos[subj.key]["dates"].add(str(rel.obj))
    redirect: dict[tuple[str, str], str] = {}
    by_ordinal = {k: v for k, v in infos.items() if v["ordinal"] is not None}
    dated = {k: v for k, v in infos.items() if v["ordinal"] is not None or v["dates"]}
    for key in sorted(infos):
        info = infos[key]
        if info["ordinal"] is not None:
            continue
        same = [k for k, v in sorted(by_ordinal.items()) if v["org"] == info["org"] and v["kind"] == info["kind"]]
        on_date = [k for k in same if by_ordinal[k]["dates"] & info["dates"]]
        hinted = []
        if not info["dates"]:
            hinted = [k for k, v in sorted(dated.items()) if k != key and v["org"] == info["org"]
                      and v["kind"] == info["kind"] and v["dates"] & info["hints"]]
        if len(on_date) == 1:
            redirect[("meeting", key)] = on_date[0]
            merges.append(f"meeting {key} -> {on_date[0]}: same organizer, kind and date")
        elif hinted:
            # the latest meeting on the relaying day or the day before is the one relayed
            best = max(hinted, key=lambda k: (max(dated[k]["dates"] & info["hints"]), k))
            redirect[("meeting", key)] = best
            merges.append(f"meeting {key} -> {best}: relayed meeting held the same day or the day before")
    return redirect


def literal_sort_key(value: object) -> tuple[str, str]:
    if isinstance(value, _dt.date):
        return ("date", value.isoformat())
    return (type(value).__name__, str(value))
