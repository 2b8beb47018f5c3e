"""The example scenarios that ship with the package, reachable by name.

The scenario files of ``examples/scenarios/`` are part of the wheel (as
``transcaspian/example_scenarios``), so ``Scenario.from_yaml("cpc_outage")`` and
``transcaspian solve cpc_outage`` work after a plain ``pip install`` from any
directory, not only in a checkout of the repository.

Examples
--------
>>> from transcaspian.examples import example_path, list_examples
>>> "cpc_outage" in list_examples()
True
>>> example_path("cpc_outage").name
'cpc_outage.yaml'
"""

from __future__ import annotations

import difflib
import importlib.resources
from pathlib import Path

from .errors import ScenarioError

__all__ = ["examples_dir", "list_examples", "example_path", "resolve_scenario_path"]

_SUFFIXES = (".yaml", ".yml")


def examples_dir() -> Path:
    """Folder of the bundled example scenarios (installed package, else the checkout).

    Examples
    --------
    >>> (examples_dir() / "baseline.yaml").exists()
    True
    """
    try:
        bundled = Path(str(importlib.resources.files("transcaspian") / "example_scenarios"))
        if bundled.is_dir():
            return bundled
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zip imports
        pass
    return Path(__file__).resolve().parents[2] / "examples" / "scenarios"


def list_examples() -> list[str]:
    """Names of the bundled example scenarios, sorted.

    Examples
    --------
    >>> list_examples()[:2]
    ['baseline', 'bypass_russia']
    """
    folder = examples_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.iterdir() if p.suffix in _SUFFIXES)


def example_path(name: str) -> Path:
    """Path of the bundled example scenario ``name`` (with or without ``.yaml``).

    Raises
    ------
    ScenarioError
        When no example has that name; the message lists the close matches.

    Examples
    --------
    >>> example_path("kashagan_to_china.yaml").stem
    'kashagan_to_china'
    >>> example_path("cpc_outgae")
    Traceback (most recent call last):
    ...
    transcaspian.errors.ScenarioError: no example scenario named 'cpc_outgae'; did you mean cpc_outage, cpc_outage_physical?
    """
    stem = name[: -len(suffix)] if (suffix := next((s for s in _SUFFIXES if name.endswith(s)), "")) else name
    names = list_examples()
    if stem in names:
        folder = examples_dir()
        return next(folder / f"{stem}{s}" for s in _SUFFIXES if (folder / f"{stem}{s}").exists())
    close = difflib.get_close_matches(stem, names, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else f"the examples are: {', '.join(names)}"
    raise ScenarioError(f"no example scenario named {name!r}; {hint}")


def resolve_scenario_path(path: str | Path) -> Path:
    """A scenario file path: ``path`` itself if it exists, else a bundled example's name.

    A bare name (no folder part) that is not an existing file is looked up among the
    bundled examples, so ``cpc_outage`` and ``cpc_outage.yaml`` both find it from any
    directory; ``examples/scenarios/cpc_outage.yaml`` (the path in a checkout) also
    resolves to the bundled copy when the checkout is not the working directory.
    Anything else is returned unchanged, for the reader to report as missing.

    Examples
    --------
    >>> resolve_scenario_path("cpc_outage").name
    'cpc_outage.yaml'
    """
    p = Path(path)
    if p.exists():
        return p
    if p.parent == Path(".") or p.parent.as_posix() == "examples/scenarios":
        if p.stem in list_examples():
            return example_path(p.name if p.suffix in _SUFFIXES else p.stem)
        if p.parent == Path(".") and p.suffix not in _SUFFIXES:
            return example_path(p.name)  # raises with close matches
    return p
