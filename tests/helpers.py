"""Run the pipeline on a hand-written sentence and look at what it found."""

import datetime as dt

from kg.model import Document
from kg.nlp import make_pipeline
from kg.normalise import clean

_PIPES = {}


def run(text: str, components=None, home_city=None, home_province=None, published=None):
    key = tuple(components) if components else None
    if key not in _PIPES:
        _PIPES[key] = make_pipeline(key)
    nlp = _PIPES[key]
    cl = clean(text)
    doc = nlp.make_doc(cl.text)
    doc._.kg_meta = Document("t", "t.txt", text, published=published or dt.date(2023, 5, 7), year=2023,
                             home_city=home_city, home_province=home_province)
    return nlp(doc)


def mentions(doc, *classes):
    return [m for m in doc._.kg_mentions if (not classes or m.cls in classes) and m.end > m.start
            and not m.attrs.get("implied")]


def labels(doc, *classes):
    return sorted({m.label for m in mentions(doc, *classes)})


def facts(doc, pred):
    out = set()
    for r in doc._.kg_relations:
        if r.pred == pred:
            obj = r.obj.label if hasattr(r.obj, "label") else r.obj
            out.add((r.subj.label, obj))
    return out
