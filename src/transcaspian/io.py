"""Reading the files of a geodata folder, and writing files atomically.

The lowest layer of file handling: it parses JSON and YAML (a syntax error names
the file, line and column), knows which files make a geodata folder (:data:`FILES`)
and where the bundled one lives (:func:`default_data_path`). Turning the parsed
files into a :class:`~transcaspian.network.CorridorNetwork` is
:mod:`transcaspian.loader`'s job.

Examples
--------
>>> raw = raw_files(default_data_path())
>>> raw["nodes"]["type"], sorted(raw) == sorted(FILES)
('FeatureCollection', True)
"""

from __future__ import annotations

import importlib.resources
import json
import os
import tempfile
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import yaml

from .errors import NetworkDataError

__all__ = [
    "FILES",
    "OPTIONAL_FILES",
    "default_data_path",
    "raw_files",
    "read_json",
    "read_yaml",
    "write_atomic",
    "save_figure_atomic",
]

#: The files of a geodata folder, by key.
FILES: dict[str, str] = {
    "nodes": "nodes.geojson",
    "links": "links.geojson",
    "sources": "sources.yaml",
    "baseline": "baseline.yaml",
    "events": "events.yaml",
    "parameters": "parameters.yaml",
}
#: Keys of :data:`FILES` that a geodata folder may lack.
OPTIONAL_FILES: frozenset[str] = frozenset({"events", "parameters"})


def default_data_path() -> Path:
    """Folder of the bundled geodata (inside the installed package, or the repo checkout).

    Examples
    --------
    >>> (default_data_path() / "nodes.geojson").exists()
    True
    """
    try:
        bundled = Path(str(importlib.resources.files(__package__ or "transcaspian") / "geodata"))
        if (bundled / "nodes.geojson").exists():
            return bundled
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - zip imports
        pass
    return Path(__file__).resolve().parents[2] / "geodata"


def raw_files(folder: Path) -> dict[str, Any]:
    """Parse every file of a geodata folder (syntax errors raise NetworkDataError).

    The optional files (:data:`OPTIONAL_FILES`) parse to None when absent.
    """
    out: dict[str, Any] = {}
    for key, name in FILES.items():
        p = folder / name
        if name.endswith(".geojson"):
            out[key] = read_json(p)
        else:
            out[key] = read_yaml(p, required=key not in OPTIONAL_FILES)
    return out


def read_json(path: Path) -> Any:
    """Parse a JSON file; a syntax error names the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NetworkDataError(f"{path}: file not found; check the geodata folder") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise NetworkDataError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "fix the syntax (a GeoJSON FeatureCollection is expected)"
        ) from None


def read_yaml(path: Path, *, required: bool = True) -> Any:
    """Parse a YAML file; a syntax error names the file and line."""
    if not path.exists():
        if required:
            raise NetworkDataError(f"{path}: file not found; check the geodata folder")
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise NetworkDataError(f"{path}: invalid YAML{where}: {exc}; fix the syntax") from None


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename).

    A reader never sees a half-written file, and an existing file is untouched if the
    write fails.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the usual permissions instead
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        fh: IO[Any] = os.fdopen(fd, "wb") if isinstance(data, bytes) else os.fdopen(fd, "w", encoding="utf-8")
        with fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def save_figure_atomic(fig: Any, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix."""
    path = Path(path)
    buf = BytesIO()
    fmt = path.suffix.lstrip(".").lower() or "png"
    fig.savefig(buf, format=fmt, **kwargs)
    return write_atomic(path, buf.getvalue())
