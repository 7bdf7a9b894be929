"""One error family; the CLI turns these into one-line messages."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 1


class InputError(KgError):
    """An input file or folder cannot be used (names the file and the fix)."""


class NothingToBuild(KgError):
    """No usable document was found in the inputs."""


class UsageError(KgError):
    """The arguments cannot work together."""

    exit_code = 2


class QueryError(KgError):
    """A SPARQL query is malformed or cannot run."""

    exit_code = 2


class StoreError(KgError):
    """The graph store is missing or unreadable."""


class StoreDamaged(StoreError):
    """The store's files cannot be read (corrupted or truncated); it can be rebuilt from its Turtle file."""


class QueryTimeout(KgError):
    """A query ran past its time limit and was stopped."""


class LookupFailed(KgError):
    """A name matches no entity, or several."""


class LockedError(KgError):
    """Another build holds the export folder."""


class ExportError(KgError):
    """An export could not be written (the previous one is left in place)."""
