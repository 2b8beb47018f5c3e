"""Reading the files of a geodata folder, and writing files atomically.

The lowest layer of file handling: it parses JSON and YAML (a syntax error names
the file, line and column), knows which files make a geodata folder (:data:`FILES`)
and where the bundled one lives (:func:`default_data_path`). Turning the parsed
files into a :class:`~transcaspian.network.CorridorNetwork` is
:mod:`transcaspian.loader`'s job.

Both parsers are strict where the standard ones are silent:

* A key given twice in one mapping (YAML) or object (JSON) is an error naming the
  file, the key and where; the standard parsers keep the last value without a word.
* YAML aliases may not expand the document beyond :data:`MAX_YAML_NODES` nodes (an
  "alias bomb" or billion-laughs file: 372 bytes of nested ``*aliases`` that unfold
  to gigabytes). The size is counted while the file is composed, before anything is
  expanded, so such a file is refused in milliseconds.
* An unquoted date YAML cannot build (``date: 2025-02-30``) is kept as its text, for
  validation to report with the element it belongs to, instead of a bare
  ``ValueError`` from the parser.

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
import re
import tempfile
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import NetworkDataError

__all__ = [
    "FILES",
    "MAX_YAML_NODES",
    "OPTIONAL_FILES",
    "DuplicateKeyError",
    "StrictSafeLoader",
    "StrictYAMLError",
    "loads_json",
    "loads_yaml",
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
#: Most nodes (scalars, sequences, mappings) a YAML document may hold once its aliases
#: are expanded. The bundled geodata has about 20,000; a billion-laughs file that nests
#: nine lists of nine aliases unfolds to 9**9 = 387 million and is refused.
MAX_YAML_NODES: int = 1_000_000
_MERGE_TAG = "tag:yaml.org,2002:merge"


class StrictYAMLError(yaml.YAMLError):
    """A YAML document refused by :class:`StrictSafeLoader` (a duplicate key, an alias bomb)."""

    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.problem_mark = mark

    def __str__(self) -> str:
        return self.message


class StrictSafeLoader(yaml.SafeLoader):
    r""":class:`yaml.SafeLoader` that refuses duplicate keys and alias bombs.

    While composing, each node's expanded size (itself plus, recursively, everything
    it holds, an alias counting as the whole node it names) is computed bottom-up
    from its children, which are already composed; once the document has used an
    alias, a node whose expanded size exceeds :data:`MAX_YAML_NODES` is refused at
    once, so nothing is ever expanded. Mapping keys are compared before construction (merge
    keys ``<<`` may be overridden, as YAML allows).

    Examples
    --------
    >>> yaml.load("a: 1\nb: [1, 2]", Loader=StrictSafeLoader)
    {'a': 1, 'b': [1, 2]}
    >>> yaml.load("a: 1\na: 2", Loader=StrictSafeLoader)
    Traceback (most recent call last):
    ...
    transcaspian.io.StrictYAMLError: duplicate key 'a' at line 2, column 1 (first at line 1), and YAML would keep only the last value; remove or rename one
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            self._aliases += 1
        node = super().compose_node(parent, index)
        if node is None:  # pragma: no cover - an empty document
            return node
        if id(node) not in self._sizes:
            size = 1
            if isinstance(node, SequenceNode):
                size += sum(self._sizes.get(id(child), 1) for child in node.value)
            elif isinstance(node, MappingNode):
                size += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
            self._sizes[id(node)] = size
            if size > MAX_YAML_NODES and self._aliases:
                mark = node.start_mark
                raise StrictYAMLError(
                    f"refused: YAML aliases (*name) expand the document to more than {MAX_YAML_NODES:,} nodes by "
                    f"line {mark.line + 1} (an alias bomb?); write the data out without anchors and aliases, "
                    "or with far fewer repeats",
                    mark,
                )
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first is not None:
                mark = key_node.start_mark
                raise StrictYAMLError(
                    f"duplicate key {key!r} at line {mark.line + 1}, column {mark.column + 1} (first at line "
                    f"{first.line + 1}), and YAML would keep only the last value; remove or rename one",
                    mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        """An unquoted date or time; one that does not exist stays text (validation reports it)."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


StrictSafeLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictSafeLoader.construct_yaml_timestamp)


def loads_yaml(text: str) -> Any:
    r"""Parse YAML text with :class:`StrictSafeLoader`.

    Raises
    ------
    yaml.YAMLError
        On a syntax error, a duplicate key or an alias bomb (see :func:`read_yaml`
        for the file-level error).

    Examples
    --------
    >>> loads_yaml("year: 2025\nname: x")
    {'year': 2025, 'name': 'x'}
    >>> loads_yaml("date: 2025-02-30")
    {'date': '2025-02-30'}
    """
    return yaml.load(text, Loader=StrictSafeLoader)


class DuplicateKeyError(ValueError):
    """A JSON object with a key given twice (raised by :func:`loads_json`)."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            keys = [k for k, _ in pairs]
            where = f" (the object with id {out['id']!r})" if isinstance(out.get("id"), str) else ""
            raise DuplicateKeyError(f"duplicate key {key!r} in one object{where}, keys {keys}")
        out[key] = value
    return out


def loads_json(text: str) -> Any:
    """Parse JSON text; a key given twice in one object raises ``ValueError``.

    Examples
    --------
    >>> loads_json('{"a": 1, "b": {"c": 2}}')
    {'a': 1, 'b': {'c': 2}}
    >>> loads_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    transcaspian.io.DuplicateKeyError: duplicate key 'a' in one object, keys ['a', 'a']
    """
    return json.loads(text, object_pairs_hook=_unique_pairs)


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


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def _first_repeat_line(text: str, key: str) -> str:
    """", near line N": where ``key`` first repeats within one JSON object (empty if not found).

    Scans strings and brackets only, keeping the keys seen in each open object, so a
    key that merely recurs in another object (``"type"`` of every geometry) is not
    taken for the repeat.
    """
    stack: list[set[str] | None] = []  # per open container: its keys (None for an array)
    tokens = list(_JSON_TOKEN.finditer(text))
    for i, tok in enumerate(tokens):
        t = tok.group()
        if t == "{":
            stack.append(set())
        elif t == "[":
            stack.append(None)
        elif t in "}]":
            if stack:
                stack.pop()
        elif t.startswith('"') and i + 1 < len(tokens) and tokens[i + 1].group() == ":" and stack and stack[-1] is not None:
            name = json.loads(t)
            if name == key and name in stack[-1]:
                return f", near line {text.count(chr(10), 0, tok.start()) + 1}"
            stack[-1].add(name)
    return ""


def read_json(path: Path) -> Any:
    """Parse a JSON file; a syntax error or a duplicate key names the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NetworkDataError(f"{path}: file not found; check the geodata folder") from None
    try:
        return loads_json(text)
    except json.JSONDecodeError as exc:
        raise NetworkDataError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "fix the syntax (a GeoJSON FeatureCollection is expected)"
        ) from None
    except DuplicateKeyError as exc:
        line = _first_repeat_line(text, str(exc).split("'")[1])
        raise NetworkDataError(
            f"{path}: {exc}{line}, and JSON would keep only the last value; remove or rename one"
        ) from None


def read_yaml(path: Path, *, required: bool = True) -> Any:
    """Parse a YAML file strictly (see :class:`StrictSafeLoader`).

    Raises
    ------
    NetworkDataError
        If a required file is missing, or on a syntax error, a duplicate key or an
        alias bomb; the message names the file, the line and the fix, on one line.
    """
    if not path.exists():
        if required:
            raise NetworkDataError(f"{path}: file not found; check the geodata folder")
        return None
    try:
        return loads_yaml(path.read_text(encoding="utf-8"))
    except StrictYAMLError as exc:
        raise NetworkDataError(f"{path}: {exc}") from None
    except (ComposerError, ConstructorError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = " ".join(str(exc).split())
        raise NetworkDataError(f"{path}: invalid YAML{where}: {detail}; fix the syntax") from None


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
