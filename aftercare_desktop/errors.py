"""Problems the user can act on, as opposed to bugs (which go to the excepthook).

Every message is written for a person at a desk and never contains personal data.
"""

from __future__ import annotations


class AftercareError(Exception):
    """A known problem with a message fit to show as it is."""


class DatabaseUnavailableError(AftercareError):
    """The database cannot be opened: wrong path, not a database, read-only, server gone, bad login."""


class DatabaseTooNewError(AftercareError):
    """The database was written by a newer version of the app; it is left untouched."""


class ValidationFailed(AftercareError):
    """Input was rejected; `problems` lists every reason by field."""

    def __init__(self, problems):
        self.problems = list(problems)
        summary = "; ".join(p.message for p in self.problems[:3])
        super().__init__(f"Please correct: {summary}")


class ConcurrentEditError(AftercareError):
    def __init__(self, what: str = "This record"):
        super().__init__(
            f"{what} was changed by someone else while you were editing. "
            "Your changes were not saved; reload to see the current version."
        )


class RecordNotFoundError(AftercareError):
    def __init__(self, what: str = "The record"):
        super().__init__(f"{what} no longer exists; someone may have deleted it.")
