"""The records that flow from corpus to graph: documents, mentions, relations."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple


@dataclass
class Document:
    """One input page, decoded, with what the manifest knows about it."""

    doc_id: str  # stable id: the folder it was found in and its path from there (kg.corpus.document_id)
    source_file: str  # path relative to the corpus folder (kg:sourceFile)
    text: str  # the decoded original text; every offset points into it
    encoding: str = "utf-8"
    published: _dt.date | None = None
    year: int | None = None  # used to resolve 4月14日 when no published date is known
    home_city: str | None = None  # admin code that 我市 / 市委 / 本市 refer to
    home_province: str | None = None  # admin code that 我省 / 省委 refer to


@dataclass(eq=False)
class Mention:
    """An entity mention found by a component.

    ``start``/``end`` are offsets into the *clean* text the pipeline runs on; the
    builder maps them back to the original text. ``key`` is what resolution
    merges on (an admin code for gazetteer places, a normalised name otherwise);
    ``cls`` is the kg class local name (Province, City, County, Township,
    Community, Site, Place, Country, Person, Official, Organization, Post,
    Meeting, InfectionChain, Policy).
    """

    cls: str
    key: str
    label: str
    start: int
    end: int
    alt_labels: list[str] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


Value = Mention | int | str | _dt.date


@dataclass(eq=False)
class Relation:
    """A fact as a component finds it: ``subj`` --pred--> ``obj`` stated in the sentence containing ``at``
    (clean-text offset), between mentions of one Doc. A page record turns it into a :class:`Fact` between
    mention indices, with its evidence located in the original text (:class:`kg.pages.Statement`).

    ``pred`` is a contract property local name (chair, holds, partOf, ...).
    ``obj`` is another mention, or a literal (int for counts and ordinals,
    ``datetime.date`` for dates, str for titles and kinds).
    ``lower_bound`` marks counts written with 余/多 (\"1600余名\").
    """

    subj: Mention
    pred: str
    obj: Value
    at: int
    lower_bound: bool = False


class Fact(NamedTuple):
    """One fact, ``subj`` --pred--> ``obj``: the one shape a fact keeps from a page record to the export.

    What ``subj`` (and ``obj`` when ``obj_is_entity``) points to depends on where the fact is: a mention's
    index in a page record (:class:`kg.pages.Statement`), an entity's index in a page's digest
    (:class:`kg.pagefile.PageDigest`), an entity IRI in the resolved graph (:class:`kg.resolve.Resolution`).
    Otherwise ``obj`` is a literal: int for counts and ordinals, ``datetime.date`` for dates, str for titles
    and kinds. ``pred`` is a ``kg.ns.Prop`` local name; ``lower_bound`` marks counts written with 余/多.
    """

    subj: Any
    pred: str
    obj: Any
    obj_is_entity: bool
    lower_bound: bool = False
