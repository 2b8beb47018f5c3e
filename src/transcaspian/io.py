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
import shutil
import signal
import stat
import tempfile
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import NetworkDataError, OutputError

__all__ = [
    "FILES",
    "MAX_FILE_BYTES",
    "MAX_YAML_NODES",
    "read_text",
    "OPTIONAL_FILES",
    "DuplicateKeyError",
    "StrictSafeLoader",
    "PureStrictSafeLoader",
    "StrictYAMLError",
    "loads_json",
    "loads_yaml",
    "default_data_path",
    "raw_files",
    "read_json",
    "read_yaml",
    "write_atomic",
    "OutputSet",
    "remove_stale",
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
_MB = 2**20
#: Largest input file read, in bytes, by kind (the keys of :data:`FILES`, and ``scenario``).
#: A bigger file is refused from its size before a byte is read (docs/reliability.md
#: gives the reasons and the memory a file at the limit takes). The bundled files are
#: far below: nodes 0.1 MB, links 1 MB. A 100,000-link network is about 60 MB.
MAX_FILE_BYTES: dict[str, int] = {
    "nodes": 64 * _MB,
    "links": 256 * _MB,
    "sources": 16 * _MB,
    "baseline": 16 * _MB,
    "events": 16 * _MB,
    "parameters": 4 * _MB,
    "scenario": 1 * _MB,
    "other": 64 * _MB,
}
_BOM = b"\xef\xbb\xbf"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class StrictYAMLError(yaml.YAMLError):
    """A YAML document refused by :class:`StrictSafeLoader` (a duplicate key, an alias bomb)."""

    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.problem_mark = mark

    def __str__(self) -> str:
        return self.message


class _StrictConstructor(SafeConstructor):
    """The checks of construction, shared by both loaders: duplicate keys, impossible dates."""

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


class PureStrictSafeLoader(_StrictConstructor, yaml.SafeLoader):
    r""":class:`yaml.SafeLoader` (pure Python) that refuses duplicate keys and alias bombs.

    While composing, each node's expanded size (itself plus, recursively, everything
    it holds, an alias counting as the whole node it names) is computed bottom-up
    from its children, which are already composed; once the document has used an
    alias, a node whose expanded size exceeds :data:`MAX_YAML_NODES` is refused at
    once, so nothing is ever expanded. Mapping keys are compared before construction (merge
    keys ``<<`` may be overridden, as YAML allows).

    Examples
    --------
    >>> PureStrictSafeLoader("a: 1\nb: [1, 2]").get_single_data()
    {'a': 1, 'b': [1, 2]}
    >>> PureStrictSafeLoader("a: 1\na: 2").get_single_data()
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


PureStrictSafeLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", PureStrictSafeLoader.construct_yaml_timestamp  # type: ignore[type-var]
)

#: Deepest nesting the C loader's result is taken at; a deeper document is parsed again
#: by the pure loader, whose Python recursion limit decides it as before.
_C_MAX_DEPTH = 100


class _Fallback(Exception):
    """The C loader's document needs the pure loader's verdict (a size or depth limit)."""


def _expanded_size(root: Node) -> tuple[int, bool, int]:
    """Expanded size (as :class:`PureStrictSafeLoader` counts it), whether aliases occur, and the depth.

    The composed graph shares an aliased node between its uses, so the walk visits
    each node once (an iterative post-order, children in document order); a node
    met again is an alias and counts its whole size. A recursive alias (to a node
    still open) raises :class:`_Fallback`: the pure loader counts such a node as
    far as it was composed, and decides.
    """
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    aliases = False
    depth = 0
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, state = stack.pop()
        key = id(node)
        if state == 0:
            if key in open_:
                raise _Fallback
            if key in sizes:
                aliases = True
                continue
            open_.add(key)
            depth = max(depth, len(open_))
            stack.append((node, 1))
            if isinstance(node, SequenceNode):
                children: list[Node] = list(node.value)
            elif isinstance(node, MappingNode):
                children = [n for pair in node.value for n in pair]
            else:
                children = []
            stack.extend((child, 0) for child in reversed(children))
            continue
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(sizes.get(id(child), 1) for child in node.value)
        elif isinstance(node, MappingNode):
            size += sum(sizes.get(id(k), 1) + sizes.get(id(v), 1) for k, v in node.value)
        sizes[key] = size
        open_.discard(key)
    return sizes.get(id(root), 1), aliases, depth


#: What may come just before a YAML anchor: white space, a line break (YAML 1.1's too), a BOM, ``[{,:``.
_BEFORE_ANCHOR = frozenset(" \t\r\n\x85\u2028\u2029\ufeff[{,:")
#: What cannot follow the ``&`` of an anchor (an anchor's name is at least one other character).
_NOT_IN_NAME = frozenset(["", " ", "\t", "\r", "\n", "\x85", "\u2028", "\u2029", "\ufeff", "[", "]", "{", "}", ","])


def _may_anchor(text: Any) -> bool:
    r"""Whether ``text`` may hold a YAML anchor (``&name``): an ``&`` at the start of a line or after a
    space or ``[{,:``, followed by a name character. Never false for a document with an anchor; an
    ``&`` inside a word or a URL, or standing alone ("Oil & Gas"), is none.

    Examples
    --------
    >>> _may_anchor("a: &x [1]\nb: *x"), _may_anchor("url: https://x.org/?a=1&b=2\nname: R&D, Oil & Gas")
    (True, False)
    """
    if not isinstance(text, str):
        return True
    at = text.find("&")
    while at >= 0:
        if (at == 0 or text[at - 1] in _BEFORE_ANCHOR) and text[at + 1:at + 2] not in _NOT_IN_NAME:
            return True
        at = text.find("&", at + 1)
    return False


def _too_deep_node(root: Node, limit: int) -> bool:
    """Whether collections nest deeper than ``limit`` (a document without anchors: a tree)."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, SequenceNode):
            stack.extend((c, depth + 1) for c in node.value if not isinstance(c, ScalarNode))
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                if not isinstance(k, ScalarNode):
                    stack.append((k, depth + 1))
                if not isinstance(v, ScalarNode):
                    stack.append((v, depth + 1))
    return False


_CBase: Any = getattr(yaml, "CSafeLoader", None)


if _CBase is not None:

    class StrictSafeLoader(_StrictConstructor, _CBase):
        r"""The strict loader (:class:`PureStrictSafeLoader`'s checks) on libyaml's C parser, 5x faster.

        The C parser composes the document; the alias-bomb size is then counted on the
        composed graph, where an alias is a shared node, so nothing is expanded. The
        checks of construction (duplicate keys, impossible dates) are the pure
        loader's own methods. Whenever the C path fails (a syntax error, a duplicate
        key, an alias bomb, nesting deeper than :data:`_C_MAX_DEPTH`), the text is
        parsed again by :class:`PureStrictSafeLoader`, so every error (its message,
        line and column) and every verdict is the pure loader's.

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
            if hasattr(stream, "read"):
                stream = stream.read()
            self._text = stream
            super().__init__(stream)  # type: ignore[call-arg]

        def get_single_data(self) -> Any:
            try:
                node = self.get_single_node()
                if node is None:
                    return None
                if _may_anchor(self._text):  # anchors, so maybe aliases: count the expanded size
                    size, aliases, depth = _expanded_size(node)
                    if depth > _C_MAX_DEPTH or (aliases and size > MAX_YAML_NODES):
                        raise _Fallback
                elif _too_deep_node(node, _C_MAX_DEPTH):
                    raise _Fallback
                return self.construct_document(node)
            except Exception:  # every error and limit is the pure loader's
                return self._pure()

        def _pure(self) -> Any:
            pure = PureStrictSafeLoader(self._text)
            try:
                return pure.get_single_data()
            finally:
                pure.dispose()

    StrictSafeLoader.add_constructor(
        "tag:yaml.org,2002:timestamp", StrictSafeLoader.construct_yaml_timestamp  # type: ignore[type-var]
    )

else:  # pragma: no cover - PyYAML built without libyaml
    StrictSafeLoader = PureStrictSafeLoader  # type: ignore[misc,assignment]


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


def _kind(path: Path) -> str:
    """The :data:`MAX_FILE_BYTES` key of a file, from its name."""
    for key, name in FILES.items():
        if path.name == name:
            return key
    return "other"


def read_text(path: str | os.PathLike[str], *, kind: str | None = None, what: str = "file") -> str:
    """The text of an input file, checked before it is read.

    Refused with a :class:`~transcaspian.errors.NetworkDataError` naming the file and
    the fix: a folder or a device (``/dev/zero``) where a file belongs, a file over its
    size limit (:data:`MAX_FILE_BYTES`, checked from the size alone), bytes that are not
    UTF-8 (the line and column of the first). A UTF-8 byte-order mark is dropped.

    Examples
    --------
    >>> read_text("/dev/zero")
    Traceback (most recent call last):
    ...
    transcaspian.errors.NetworkDataError: /dev/zero: not a regular file (a device, pipe or socket); give the path of a file
    """
    path = Path(path)
    kind = kind or _kind(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise NetworkDataError(f"{path}: file not found; check the path") from None
    except OSError as exc:
        raise NetworkDataError(f"{path}: cannot be read ({exc.strerror}); check the path and its permissions") from None
    if stat.S_ISDIR(st.st_mode):
        raise NetworkDataError(f"{path}: is a folder, not a file; give the path of the {what}")
    if not stat.S_ISREG(st.st_mode):
        raise NetworkDataError(f"{path}: not a regular file (a device, pipe or socket); give the path of a file")
    limit = MAX_FILE_BYTES.get(kind, MAX_FILE_BYTES["other"])
    if st.st_size > limit:
        raise NetworkDataError(
            f"{path}: {st.st_size / _MB:,.1f} MB is over the {limit // _MB} MB limit for {kind} files; split the data, "
            f"or raise transcaspian.io.MAX_FILE_BYTES[{kind!r}] if the machine has the memory (docs/reliability.md)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NetworkDataError(f"{path}: cannot be read ({exc.strerror}); check the path and its permissions") from None
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise NetworkDataError(
            f"{path}: not UTF-8 text: byte 0x{data[exc.start]:02x} at line {line}, column {col}; "
            "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"
        ) from None


def _deep_line(text: str) -> int:
    """The line where brackets first nest deeper than 500 (1 if they never do)."""
    depth = 0
    for tok in _JSON_TOKEN.finditer(text):
        t = tok.group()
        if t in "{[":
            depth += 1
            if depth > 500:
                return text.count("\n", 0, tok.start()) + 1
        elif t in "}]":
            depth -= 1
    return 1


def _too_deep(path: Path, text: str, fmt: str) -> NetworkDataError:
    return NetworkDataError(
        f"{path}: invalid {fmt}: nested too deeply to parse (brackets beyond 500 levels by line {_deep_line(text)}); "
        "fix the file: no geodata or scenario field nests more than a few levels"
    )


def read_json(path: Path) -> Any:
    """Parse a JSON file; a syntax error or a duplicate key names the file, line and column.

    The file is first checked by :func:`read_text` (folder, device, size limit, UTF-8).
    """
    text = read_text(path, what="GeoJSON file")
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
    except RecursionError:
        raise _too_deep(path, text, "JSON") from None


def read_yaml(path: Path, *, required: bool = True, kind: str | None = None, what: str = "YAML file") -> Any:
    """Parse a YAML file strictly (see :class:`StrictSafeLoader`).

    Raises
    ------
    NetworkDataError
        If a required file is missing, on a syntax error, a duplicate key or an
        alias bomb, or when :func:`read_text` refuses the file; the message names the
        file, the line and the fix, on one line.
    """
    if not path.exists() and not path.is_symlink():
        if required:
            raise NetworkDataError(f"{path}: file not found; check the geodata folder")
        return None
    text = read_text(path, kind=kind, what=what)
    try:
        return loads_yaml(text)
    except StrictYAMLError as exc:
        raise NetworkDataError(f"{path}: {exc}") from None
    except (ComposerError, ConstructorError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = " ".join(str(exc).split())
        raise NetworkDataError(f"{path}: invalid YAML{where}: {detail}; fix the syntax") from None
    except RecursionError:
        raise _too_deep(path, text, "YAML") from None


_STALE = re.compile(r"^\.(?:.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.(?:tmp|staging)$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - another user's process
        return True
    return True


def remove_stale(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files and staging folders that a killed process left in ``folder``.

    Only names this module makes (``.NAME.PID.xxxx.tmp``, ``.outputs.PID.xxxx.staging``)
    whose process ``PID`` no longer runs; a SIGKILL cannot be caught, so the next write
    cleans up instead. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for p in entries:
        m = _STALE.match(p.name)
        if m is None or int(m.group("pid")) == os.getpid() or _alive(int(m.group("pid"))):
            continue
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def _output_error(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write ({exc.strerror or exc}); check that the folder exists, is writable "
                       "and has free space, or choose another output path")


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename).

    A reader never sees a half-written file, and an existing file is untouched if the
    write fails or is interrupted (Ctrl-C, SIGTERM: the temporary file is removed).
    A failure is an :class:`~transcaspian.errors.OutputError` naming ``path``, never
    the temporary file.

    Examples
    --------
    >>> import tempfile
    >>> p = write_atomic(Path(tempfile.mkdtemp()) / "a.txt", "x")
    >>> p.read_text(), sorted(q.name for q in p.parent.iterdir())
    ('x', ['a.txt'])
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _output_error(path, exc) from None
    try:
        # mkstemp makes the file private (0600); give it the usual permissions instead
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        fh: IO[Any] = os.fdopen(fd, "wb") if isinstance(data, bytes) else os.fdopen(fd, "w", encoding="utf-8")
        with fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise _output_error(path, exc) from None
        raise
    return path


class OutputSet:
    """A set of output files written together: all of them, or none changed.

    The files are written into a hidden staging folder inside ``folder``
    (``.outputs.PID.xxxx.staging``) and renamed into place only when the ``with``
    block ends without an error, with SIGINT and SIGTERM held off for the renames. A
    run that stops early (an error, Ctrl-C, SIGTERM) removes the staging folder and
    leaves the previous outputs as they were.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with OutputSet(out) as outputs:
    ...     _ = outputs.write("a.csv", "x")
    ...     _ = outputs.write("b.json", "{}")
    >>> sorted(p.name for p in out.iterdir())
    ['a.csv', 'b.json']
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.names: list[str] = []
        self.stage: Path | None = None

    def __enter__(self) -> OutputSet:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            remove_stale(self.folder)
            self.stage = Path(tempfile.mkdtemp(prefix=f".outputs.{os.getpid()}.", suffix=".staging", dir=self.folder))
        except OSError as exc:
            raise _output_error(self.folder, exc) from None
        return self

    def path(self, name: str) -> Path:
        """Where to write output ``name`` now (in the staging folder); it is moved at the end."""
        assert self.stage is not None, "use OutputSet in a with block"
        if name not in self.names:
            self.names.append(name)
        return self.stage / name

    def write(self, name: str, data: str | bytes) -> Path:
        """Write output ``name``; returns its final path (where it will be once the set is complete)."""
        write_atomic(self.path(name), data)
        return self.folder / name

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        assert self.stage is not None
        try:
            if kind is None:
                self._commit()
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)

    def _commit(self) -> None:
        assert self.stage is not None
        held = {signal.SIGINT, signal.SIGTERM}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            for name in self.names:
                staged = self.stage / name
                if staged.exists():
                    os.replace(staged, self.folder / name)
        except OSError as exc:
            raise _output_error(self.folder, exc) from None
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def save_figure_atomic(fig: Any, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (an unknown one is an OutputError)."""
    path = Path(path)
    buf = BytesIO()
    fmt = path.suffix.lstrip(".").lower() or "png"
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise OutputError(f"{path}: {path.suffix!r} is not a figure format (fix: use one of "
                          f"{', '.join('.' + k for k in sorted(supported))})")
    fig.savefig(buf, format=fmt, **kwargs)
    return write_atomic(path, buf.getvalue())
