"""Public exception hierarchy of transcaspian.

Every exception subclasses a built-in so callers can catch either. Messages name the
file, the element id, the field and the fix.

Examples
--------
>>> from transcaspian.errors import NetworkDataError, TranscaspianError
>>> issubclass(NetworkDataError, ValueError) and issubclass(NetworkDataError, TranscaspianError)
True
"""

from __future__ import annotations

__all__ = [
    "TranscaspianError",
    "NetworkDataError",
    "ValidationError",
    "UnknownElementError",
    "ScenarioError",
    "InputError",
    "ComparisonError",
    "OutputError",
    "UnitError",
    "SolverError",
    "InfeasibleError",
]


class TranscaspianError(Exception):
    """Base class of every error raised by transcaspian."""


class NetworkDataError(TranscaspianError, ValueError):
    """The network data (GeoJSON/YAML in a geodata folder) is malformed."""


class ValidationError(NetworkDataError):
    """One or more validation problems; ``.problems`` lists all of them.

    Parameters
    ----------
    problems : list of Problem
        Every problem found, so a user can fix them all in one pass.
    """

    def __init__(self, problems: list) -> None:  # list[Problem]; avoid import cycle
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the network data:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownElementError(TranscaspianError, KeyError):
    """An id or alias that names no node or link; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class ScenarioError(TranscaspianError, ValueError):
    """A scenario file or object is invalid (unknown id, bad factor, bad field)."""


class InputError(TranscaspianError, ValueError):
    """An argument of a library call or a command-line option is invalid (a country code, a count)."""


class ComparisonError(TranscaspianError, ValueError):
    """Two results cannot be compared: different commodities, objective, allocation rule or network."""


class OutputError(TranscaspianError, OSError):
    """An output cannot be written: its folder is missing, read-only or full, or it exists (no ``--force``)."""


class UnitError(TranscaspianError, ValueError):
    """A unit is unknown or does not fit the commodity."""


class SolverError(TranscaspianError, RuntimeError):
    """The linear-programming solver failed to return an optimal solution."""


class InfeasibleError(SolverError):
    """The flow problem has no feasible solution (e.g. contracts exceed capacity)."""
