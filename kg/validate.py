"""SHACL validation of a graph against the contract's shapes, reported in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _name(g, node) -> str:
    from rdflib import RDFS

    from kg.prefixes import PREFIXES

    text = str(node)
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri):
            text = f"{prefix}:{text[len(iri):]}"
            break
    label = g.value(node, RDFS.label)
    return f"{text} ({label})" if label else text


LARGE_BYTES = 20_000_000  # above this, say that validation runs in memory and takes a while


def size_note(path: Path) -> str | None:
    """A line for graphs big enough that pySHACL's in-memory check takes long (none for small ones)."""
    size = Path(path).stat().st_size
    if size < LARGE_BYTES:
        return None
    return (f"kg: {path} is {size / 1e6:.0f} MB; SHACL validation (pySHACL) checks the whole graph in memory, "
            "every node, no sampling: expect minutes and several GB of memory (a 200-page graph took 50 s "
            "and 900 MB).")


def _has_kg_terms(g) -> bool:
    """Whether any triple uses a kg: property or types a node with a kg: class."""
    from rdflib import RDF, URIRef

    from kg.ns import KG_IRI

    return any((str(p).startswith(KG_IRI) or (p == RDF.type and isinstance(o, URIRef)
                                              and str(o).startswith(KG_IRI)))
               and not str(s).startswith(KG_IRI)  # the ontology's own terms do not count
               for s, p, o in g)


def validate(data) -> ValidationReport:
    """Validate a Turtle file (path) or an rdflib graph against ``ontology/shapes.ttl``."""
    import pyshacl
    from rdflib import Graph
    from rdflib.namespace import SH

    from kg.ontology import ontology_path, shapes_path

    if isinstance(data, (str, Path)):
        g = Graph()
        try:
            g.parse(str(data), format="turtle")
        except Exception as err:  # rdflib raises many parser types; report the file and the cause
            raise InputError(f"{data}: not valid Turtle ({str(err).splitlines()[0][:200]}).") from err
    else:
        g = data
    if not _has_kg_terms(g):
        why = ("no kg: class or property in the graph: it was not made by kg build, so the contract's shapes "
               "have nothing to check (a graph of other terms would always 'conform').")
        return ValidationReport(conforms=False, violations=[why])
    shapes = Graph().parse(shapes_path(), format="turtle")
    ont = Graph().parse(ontology_path(), format="turtle")
    conforms, results, _ = pyshacl.validate(g, shacl_graph=shapes, ont_graph=ont, inference="none",
                                            abort_on_first=False, allow_warnings=True)
    report = ValidationReport(conforms=bool(conforms))
    lines = []
    for result in results.subjects(SH.resultSeverity, None):
        severity = results.value(result, SH.resultSeverity)
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        where = _name(g, path) if path is not None else ""
        line = f"{_name(g, focus)}: {message}" + (f" [{where}" + (f" = {value}" if value is not None else "") + "]"
                                                  if where else "")
        lines.append((str(severity).endswith("Violation"), line))
    report.violations = sorted(line for bad, line in lines if bad)
    report.warnings = sorted(line for bad, line in lines if not bad)
    report.conforms = not report.violations
    return report
