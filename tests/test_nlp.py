"""The pipeline as spaCy sees it: every component says what it reads and writes, and the order satisfies it."""

import pytest
from spacy.language import Language

from kg.nlp import COMPONENTS, blank, make_pipeline


def test_analyze_pipes_reports_no_problems():
    nlp = make_pipeline()
    analysis = nlp.analyze_pipes()
    assert analysis["problems"] == {name: [] for name in nlp.pipe_names}


@pytest.mark.parametrize("name", [name for name, _ in COMPONENTS])
def test_every_component_declares_what_it_assigns(name):
    make_pipeline()  # registers the factories
    meta = Language.get_factory_meta(name) if Language.has_factory(name) else Language.get_component_meta(name)
    assert meta.assigns, f"{name} declares no assigns"


def test_a_component_before_what_it_needs_is_a_problem():
    """The declarations are not decoration: meetings before places and persons is reported."""
    make_pipeline()
    nlp = blank()
    nlp.add_pipe("kg_meetings")
    nlp.add_pipe("kg_places")
    problems = nlp.analyze_pipes()["problems"]
    assert problems["kg_meetings"], problems
