"""Orchestration: corpus -> pipeline -> resolution -> graph -> exports, with a report."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import NothingToBuild
from kg.model import Document

BATCH = 16


@dataclass
class BuildReport:
    """Counts, skipped inputs and outputs of one build; owns the exit code."""

    documents: int = 0
    skipped: list = field(default_factory=list)
    entities: Counter = field(default_factory=Counter)
    relations: int = 0
    evidence: int = 0
    triples: int = 0
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 0 if self.documents else 1

    def summary(self) -> str:
        classes = ", ".join(f"{n} {c}" for c, n in sorted(self.entities.items(), key=lambda x: (-x[1], x[0])))
        return (f"{self.documents} documents, {sum(self.entities.values())} entities ({classes}), "
                f"{self.relations} relations, {self.evidence} evidence, {self.seconds:.1f} s")


def extract_pages(docs: Iterable[Document], nlp=None) -> Iterator:
    """The map step: each document through normalisation and the spaCy pipeline."""
    from kg.components.base import sentence_spans
    from kg.nlp import make_pipeline
    from kg.normalise import clean
    from kg.resolve import PageResult

    nlp = nlp or make_pipeline()
    batch: list[tuple[Document, object]] = []

    def run(batch):
        spacy_docs = []
        for doc, cl in batch:
            sd = nlp.make_doc(cl.text)
            sd._.kg_meta = doc
            spacy_docs.append(sd)
        for (doc, cl), sd in zip(batch, nlp.pipe(spacy_docs, batch_size=BATCH)):
            yield PageResult(doc, cl, sentence_spans(sd), list(sd._.kg_mentions or ()),
                             list(sd._.kg_relations or ()))

    for doc in docs:
        batch.append((doc, clean(doc.text)))
        if len(batch) >= BATCH:
            yield from run(batch)
            batch = []
    if batch:
        yield from run(batch)


def load_ontology():
    from rdflib import Graph

    from kg.ontology import ontology_path

    g = Graph()
    g.parse(ontology_path(), format="turtle")
    return g


def build(
    paths: list[Path],
    out: Path,
    *,
    year: int | None = None,
    strict: bool = False,
    keep_contacts: bool = False,
    max_bytes: int = 20_000_000,
    on_document: Callable[[object], None] | None = None,
) -> BuildReport:
    """Build ``kg.ttl``, ``kg.graphml`` and the query store in ``out`` from ``paths``."""
    from kg.atomic import BuildLock
    from kg.corpus import Skipped, iter_documents
    from kg.export import write_graphml, write_turtle
    from kg.graph import build_graph
    from kg.privacy import contact_spans
    from kg.resolve import Resolver

    t0 = time.perf_counter()
    report = BuildReport()
    docs: list[Document] = []
    for item in iter_documents(paths, year=year, max_bytes=max_bytes, strict=strict):
        if isinstance(item, Skipped):
            report.skipped.append(item)
        else:
            docs.append(item)
            report.encodings[item.source_file] = item.encoding
        if on_document:
            on_document(item)
    if not docs:
        raise NothingToBuild(
            "No text documents found in " + ", ".join(str(p) for p in paths) +
            "; give UTF-8, GB18030 or Big5 text or HTML pages.")
    resolver = Resolver(contact_finder=None if keep_contacts else contact_spans)
    for page in extract_pages(docs):
        resolver.add(page)
    res = resolver.resolve()
    graph = build_graph(res, load_ontology())
    out.mkdir(parents=True, exist_ok=True)
    with BuildLock(out):
        ttl = out / "kg.ttl"
        write_turtle(graph, ttl)
        write_graphml(res, out / "kg.graphml")
        report.outputs = [ttl, out / "kg.graphml"]
        try:
            from kg.store import write_store
        except ImportError:  # the query store is optional until kg.store lands
            write_store = None
        if write_store is not None:
            store_dir = out / "kg.oxigraph"
            write_store(ttl, store_dir)
            report.outputs.append(store_dir)
    report.documents = len(docs)
    report.entities = Counter(e.cls for e in res.entities.values())
    report.relations = len(res.facts)
    report.evidence = sum(len(f.evidence) for f in res.facts.values())
    report.triples = len(graph)
    report.merges = res.merges
    report.seconds = time.perf_counter() - t0
    return report
