"""Shared plumbing for kg components: Doc extensions and small helpers.

Every component reads ``doc.text`` (the clean, Simplified, NFKC text), finds
mentions and relations, and appends them with :func:`add_mention` and
:func:`add_relation`. Offsets are character offsets into ``doc.text``.
``doc._.kg_meta`` is the :class:`kg.model.Document` (publication date, home
city and province codes) or ``None`` in unit tests.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc

from kg.model import Document, Mention, Relation

for _name in ("kg_meta", "kg_mentions", "kg_relations", "kg_text", "kg_sents"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def mentions(doc: Doc) -> list[Mention]:
    if doc._.kg_mentions is None:
        doc._.kg_mentions = []
    return doc._.kg_mentions


def relations(doc: Doc) -> list[Relation]:
    if doc._.kg_relations is None:
        doc._.kg_relations = []
    return doc._.kg_relations


def meta(doc: Doc) -> Document | None:
    return doc._.kg_meta


def add_mention(doc: Doc, mention: Mention) -> Mention:
    mentions(doc).append(mention)
    return mention


def add_relation(doc: Doc, subj: Mention, pred: str, obj, at: int, lower_bound: bool = False) -> Relation:
    rel = Relation(subj, pred, obj, at, lower_bound)
    relations(doc).append(rel)
    return rel


def of_class(doc: Doc, *classes: str) -> list[Mention]:
    """Mentions of the given classes, in text order."""
    return sorted((m for m in mentions(doc) if m.cls in classes), key=lambda m: (m.start, -m.end))


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from the tokens on every access."""
    if doc._.kg_text is None:
        doc._.kg_text = doc.text
    return doc._.kg_text


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences (set by kg_sentences, computed once)."""
    if doc._.kg_sents is None:
        if not doc.has_annotation("SENT_START"):
            return [(0, len(text_of(doc)))]
        doc._.kg_sents = [(s.start_char, s.end_char) for s in doc.sents]
    return doc._.kg_sents


def iter_sentences(doc: Doc) -> Iterator[tuple[int, int, str]]:
    text = text_of(doc)
    for start, end in sentence_spans(doc):
        yield start, end, text[start:end]


PLACE_CLASSES = ("Country", "Province", "City", "County", "Township", "Community", "Site", "Place")


def written_places(doc: Doc, *classes: str) -> list[Mention]:
    """Places as written in the text: not the parents that kg_places adds for the hierarchy."""
    return [m for m in of_class(doc, *(classes or PLACE_CLASSES)) if m.end > m.start and not m.attrs.get("implied")]
PERSON_CLASSES = ("Person", "Official")
