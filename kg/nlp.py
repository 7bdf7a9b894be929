"""The one place that assembles the spaCy pipeline.

The pipeline is built in code on ``spacy.blank("zh")`` with spaCy's character
segmenter: no downloaded model. Every extractor is a registered component
(``kg_*``); importing its module registers the factory.
"""

from __future__ import annotations

import importlib
import re

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

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


WHITESPACE = re.compile(r"\s+")  # \s is exactly str.isspace() for str patterns


class CharTokenizer:
    """spaCy's ``char`` segmenter without its per-character alignment loop.

    The same tokens as ``ChineseTokenizer`` with ``segmenter="char"``: one token
    per character, a run of whitespace is one token, and a single space right
    after a character is that token's trailing space.
    """

    segmenter = "char"

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for m in WHITESPACE.finditer(text):
            start, end = m.span()
            words.extend(text[pos:start])
            spaces.extend([False] * (start - pos))
            if start and text[start] == " ":
                spaces[-1] = True
                start += 1
            if start < end:
                words.append(text[start:end])
                spaces.append(False)
            pos = end
        words.extend(text[pos:])
        spaces.extend([False] * (len(text) - pos))
        return Doc(self.vocab, words=words, spaces=spaces)


def blank() -> Language:
    """A blank Chinese pipeline with the character segmenter (fast, no model)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.tokenizer = CharTokenizer(nlp.vocab)
    return nlp


def make_pipeline(components: tuple[str, ...] | None = None, segmenter: str = "char",
                  config: dict[str, dict] | None = None) -> Language:
    """A ``zh`` pipeline with the kg components (all of them by default).

    ``segmenter`` is ``char`` (default) or ``pkuseg:MODEL_DIR`` (see kg.segmenter);
    the components work on character offsets, so either gives the same facts.
    ``config`` gives components settings by name, as ``nlp.add_pipe`` takes them: e.g.
    ``{"kg_policies": {"lexicon": {"measure_after": "措施|办法"}}}`` replaces entries of
    ``kg/data/lex/policies.tsv`` for that pipeline (see :class:`kg.lexicon.Lexicon`).
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
        nlp.add_pipe(name, config=(config or {}).get(name, {}))
    return nlp
