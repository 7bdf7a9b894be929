"""Namespace IRIs and prefixes as plain strings (no rdflib import: the query path uses these)."""

KG_IRI = "https://w3id.org/kg-news/ontology#"
DATA_IRI = "https://w3id.org/kg-news/id/"

PREFIXES: dict[str, str] = {
    "kg": KG_IRI,
    "kgd": DATA_IRI,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
}

EVIDENCE_IRI = f"{DATA_IRI}evidence/"
SENTENCE_IRI = f"{DATA_IRI}sentence/"
# Declared in the exported Turtle only, so that its millions of evidence and sentence IRIs are written
# short (kge:0a1b…, kgs:2c3d…; Turtle 1.1 local names may start with a digit). Queries and the
# command line print and take them as full IRIs, as every other data IRI.
TURTLE_PREFIXES: dict[str, str] = PREFIXES | {"kge": EVIDENCE_IRI, "kgs": SENTENCE_IRI}
