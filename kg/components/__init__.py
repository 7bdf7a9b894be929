"""spaCy components of the kg pipeline, one per module, registered as ``kg_*`` factories."""
