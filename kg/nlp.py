"""The one place that assembles the spaCy pipeline.

The pipeline is built in code on ``spacy.blank("zh")`` with spaCy's character
segmenter: no downloaded model. Every extractor is a registered component
(``kg_*``); importing its module registers the factory.
"""

from __future__ import annotations

import importlib

import spacy
from spacy.language import Language

# Order matters: later components read the mentions of earlier ones.
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("kg_sentences", "kg.components.sentences"),
    ("kg_places", "kg.components.places"),
    ("kg_orgs", "kg.components.orgs"),
    ("kg_persons", "kg.components.persons"),
    ("kg_chains", "kg.components.chains"),
    ("kg_policies", "kg.components.policies"),
    ("kg_meetings", "kg.components.meetings"),
)


def blank() -> Language:
    """A blank Chinese pipeline with the character segmenter (fast, no model)."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})


def make_pipeline(components: tuple[str, ...] | None = None, segmenter: str = "char") -> Language:
    """A ``zh`` pipeline with the kg components (all of them by default).

    ``segmenter`` is ``char`` (default) or ``pkuseg:MODEL_DIR`` (see kg.segmenter);
    the components work on character offsets, so either gives the same facts.
    """
    if segmenter == "char":
        nlp = blank()
    else:
        from kg.segmenter import blank as seg_blank

        nlp = seg_blank(segmenter)
    for name, module in COMPONENTS:
        if components is not None and name not in components:
            continue
        importlib.import_module(module)
        nlp.add_pipe(name)
    return nlp
