"""Where the ontology and the SHACL shapes are (packaged copies of ``ontology/``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def ontology_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data", "ontology", "kg.ttl")))


def shapes_path() -> Path:
    return Path(str(resources.files("kg").joinpath("data", "ontology", "shapes.ttl")))
