"""Shared plumbing for kg components: per-doc state, Doc extensions and small helpers.

Every component reads ``doc.text`` (the clean, Simplified, NFKC text), finds
mentions and relations, and appends them with :func:`add_mention` and
:func:`add_relation`. Offsets are character offsets into ``doc.text``.
``doc._.kg_meta`` is the :class:`kg.model.Document` (publication date, home
city and province codes) or ``None`` in unit tests.

What the components share lives in one plain :class:`KgState` in
``doc.user_data`` (fetched with :func:`state`): spaCy's ``doc._`` costs a
microsecond or more per access, and the helpers below are called hundreds of
thousands of times per megabyte. The ``doc._.kg_*`` extensions read and write
the same state, for callers and tests that use them.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterator

import numpy
from spacy.attrs import IDX
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.model import Document, Mention, Relation
from kg.ns import Class, Prop
from kg.ontology import PERSON_CLASSES, PLACE_CLASSES
from kg.textscan import matches_near  # noqa: F401  (re-exported: components import it from here)

KEY = "kg_state"
FIELDS = ("meta", "text", "sents", "mentions", "relations")  # each also a ``doc._.kg_*`` extension


class KgState:
    """The kg data of one Doc: meta, text, sentences, mentions and relations."""

    __slots__ = (*FIELDS, "by_class", "guessed_home")

    def __init__(self) -> None:
        self.meta: Document | None = None
        self.text: str | None = None
        self.sents: list[tuple[int, int]] | None = None
        self.mentions: list[Mention] | None = None
        self.relations: list[Relation] | None = None
        # of_class: classes -> [the mentions list, how many of it were seen, those of the classes in order]
        self.by_class: dict[tuple[str, ...], list] = {}
        # the home codes kg_places worked out from the page's places (no manifest gave them): "city", "province"
        self.guessed_home: frozenset[str] = frozenset()


def state(doc: Doc) -> KgState:
    """The doc's :class:`KgState` (created on first use)."""
    data = doc.user_data
    st = data.get(KEY)
    if st is None:
        st = data[KEY] = KgState()
    return st


def _extension(field: str) -> None:
    def get(doc: Doc):
        return getattr(state(doc), field)

    def set_(doc: Doc, value) -> None:
        setattr(state(doc), field, value)

    Doc.set_extension(f"kg_{field}", getter=get, setter=set_, force=True)


for _field in FIELDS:
    _extension(_field)


def mentions(doc: Doc) -> list[Mention]:
    st = state(doc)
    if st.mentions is None:
        st.mentions = []
    return st.mentions


def relations(doc: Doc) -> list[Relation]:
    st = state(doc)
    if st.relations is None:
        st.relations = []
    return st.relations


def meta(doc: Doc) -> Document | None:
    return state(doc).meta


_CLASSES = {c.value: c.value for c in Class}  # name -> the plain-text name (a set lookup, not an enum call)
_PROPS = {p.value: p.value for p in Prop}


def add_mention(doc: Doc, mention: Mention) -> Mention:
    cls = _CLASSES.get(mention.cls)
    if cls is None:
        raise ValueError(f"{mention.cls!r} is not a class of the ontology")
    mention.cls = cls  # kept as plain text
    mentions(doc).append(mention)
    return mention


def add_relation(doc: Doc, subj: Mention, pred: str, obj, at: int, lower_bound: bool = False) -> Relation:
    """Record that ``subj`` --pred--> ``obj``, stated in the sentence holding offset ``at``.

    ``pred`` must be a property of the ontology (``kg.ns.Prop``): a misspelt one is a ValueError here,
    not a new predicate in the exports. The record keeps its plain local name.
    """
    name = _PROPS.get(pred)
    if name is None:
        raise ValueError(f"{pred!r} is not a property of the ontology")
    rel = Relation(subj, name, obj, at, lower_bound)
    relations(doc).append(rel)
    return rel


def jurisdiction_of(doc: Doc, org: Mention) -> Mention | None:
    """The place an organization mention was given ``jurisdiction`` to, if any."""
    for rel in relations(doc):
        if rel.subj is org and rel.pred == Prop.jurisdiction and isinstance(rel.obj, Mention):
            return rel.obj
    return None


def _text_order(m: Mention) -> tuple[int, int]:
    return m.start, -m.end


def of_class(doc: Doc, *classes: str) -> list[Mention]:
    """Mentions of the given classes, in text order (ties in the order they were added).

    Components only append mentions, so the sorted list is kept per ``classes``
    and only the mentions added since the last call are sorted in.
    """
    st = state(doc)
    ms = mentions(doc)
    cached = st.by_class.get(classes)
    if cached is None or cached[0] is not ms or cached[1] > len(ms):
        found = sorted((m for m in ms if m.cls in classes), key=_text_order)
        st.by_class[classes] = [ms, len(ms), found]
        return list(found)
    _, seen, found = cached
    if seen < len(ms):
        for m in ms[seen:]:
            if m.cls in classes:
                insort(found, m, key=_text_order)  # after equal keys, as a stable sort puts it
        cached[1] = len(ms)
    return list(found)


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from the tokens on every access."""
    st = state(doc)
    if st.text is None:
        st.text = doc.text
    return st.text


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences (set by kg_sentences, computed once)."""
    st = state(doc)
    if st.sents is None:
        if not doc.has_annotation("SENT_START"):
            return [(0, len(text_of(doc)))]
        st.sents = [(s.start_char, s.end_char) for s in doc.sents]
    return st.sents


def iter_sentences(doc: Doc) -> Iterator[tuple[int, int, str]]:
    text = text_of(doc)
    for start, end in sentence_spans(doc):
        yield start, end, text[start:end]




def written_places(doc: Doc, *classes: str) -> list[Mention]:
    """Places as written in the text: not the parents that kg_places adds for the hierarchy."""
    return [m for m in of_class(doc, *(classes or PLACE_CLASSES)) if m.end > m.start and not m.attrs.get("implied")]


# Read-only views of the mentions by kind (``doc._.kg_places`` …): what the components declare in their
# factories' ``requires`` and ``assigns``, so that ``nlp.analyze_pipes()`` checks their order.
KINDS: dict[str, tuple[str, ...]] = {
    "kg_places": PLACE_CLASSES, "kg_orgs": (Class.Organization,),
    "kg_persons": (*PERSON_CLASSES, Class.Post), "kg_chains": (Class.InfectionChain,),
    "kg_policies": (Class.Policy,), "kg_meetings": (Class.Meeting,)}


def _kind_view(classes: tuple[str, ...]):
    def get(doc: Doc) -> list[Mention]:
        return of_class(doc, *classes)

    return get


for _name, _classes in KINDS.items():
    Doc.set_extension(_name, getter=_kind_view(_classes), force=True)


# ---------------------------------------------------------------------------------------------
# Annotations in spaCy's own places. Each component finds its mentions and relations (``find``),
# then, as spaCy's SpanRuler does, sets them on the Doc: ``doc.spans[<kind>]`` holds one Span per
# mention written in the text (label: the ontology class; ``id``: the mention's key), and
# ``doc.ents`` the people, places and organizations (the longer where two overlap: filter_spans).
# The page record (kg.extract.page_record) is built from the same mentions, with their
# relations and attributes, which Spans cannot carry.
# ---------------------------------------------------------------------------------------------

ENT_KINDS = ("kg_places", "kg_orgs", "kg_persons")
ENT_LAST = "kg_persons"  # the last of them in the pipeline, which sets doc.ents
ENTS = "kg_ent_spans"  # doc.user_data: their spans so far
# doc.user_data: set by a build (kg.extract), which reads only the page record; the Spans, for
# spaCy's tools and for callers of the pipeline, cost about a tenth of the extraction and are skipped
RECORD_ONLY = "kg_record_only"
TOKEN_AT = "kg_token_starts"  # doc.user_data: each token's first character (the tokens never change)


class KgComponent:
    """A kg pipeline component: ``find`` records mentions and relations, ``set_annotations`` shows
    them as Spans. Subclasses name their ``kind`` (a key of :data:`KINDS`)."""

    kind: str = ""

    def find(self, doc: Doc) -> None:  # pragma: no cover - every component overrides it
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        self.find(doc)
        if not doc.user_data.get(RECORD_ONLY):
            self.set_annotations(doc)
        return doc

    def set_annotations(self, doc: Doc) -> None:
        found = [m for m in of_class(doc, *KINDS[self.kind]) if m.end > m.start and not m.attrs.get("implied")]
        # the tokens that hold each mention's first and last character (a run of spaces is one token)
        token_at = doc.user_data.get(TOKEN_AT)
        if token_at is None:
            token_at = doc.user_data[TOKEN_AT] = doc.to_array(IDX)
        firsts = numpy.searchsorted(token_at, [m.start for m in found], side="right") - 1
        lasts = numpy.searchsorted(token_at, [m.end - 1 for m in found], side="right")
        spans = [Span(doc, int(a), int(b), label=m.cls, span_id=m.key)
                 for m, a, b in zip(found, firsts, lasts, strict=True)]
        doc.spans[self.kind] = spans
        if self.kind in ENT_KINDS:
            ents = doc.user_data.setdefault(ENTS, [])
            ents.extend(s for s in spans if s.label_ != Class.Post)  # a post is a fact about a person
            if self.kind == ENT_LAST:  # the people, places and organizations, set once
                doc.ents = filter_spans(ents)
