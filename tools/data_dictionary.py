#!/usr/bin/env python3
"""Regenerate the field tables of docs/data_dictionary.md from the field specs.

The tables of node and link properties are generated from
:data:`transcaspian.schema.NODE_FIELDS` and :data:`transcaspian.schema.LINK_FIELDS`
between marker comments (``<!-- fields:nodes:start -->`` ... ``<!-- fields:nodes:end -->``
and the same for ``links``); the prose around them is edited by hand.

Usage::

    python tools/data_dictionary.py          # rewrite the tables in place
    python tools/data_dictionary.py --check  # exit 1 if the doc is out of step
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from transcaspian.schema import LINK_FIELDS, NODE_FIELDS, FieldSpec

DOC = Path(__file__).resolve().parents[1] / "docs" / "data_dictionary.md"
TABLES: dict[str, Mapping[str, FieldSpec]] = {"nodes": NODE_FIELDS, "links": LINK_FIELDS}


def _default(spec: FieldSpec) -> str:
    if spec.required:
        return "—"
    if spec.factory is not None:
        return "`[]`" if spec.factory is list else "`{}`"
    value: Any = spec.default
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value!s}`" if value != "" else '`""`'


def _allowed(spec: FieldSpec) -> str:
    text = spec.allowed_text()
    return ", ".join(f"`{v}`" for v in text.split(", ")) if text else ""


def render_table(specs: Mapping[str, FieldSpec]) -> str:
    """A markdown table: one row per field."""
    lines = [
        "| field | type | unit | default | allowed values | required | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in specs.values():
        cells = [f"`{s.name}`", s.type, s.unit or "", _default(s), _allowed(s), "yes" if s.required else "", s.description]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update(text: str) -> str:
    """``text`` with every marked table regenerated.

    Raises
    ------
    ValueError
        If a table's markers are missing.
    """
    for key, specs in TABLES.items():
        start, end = f"<!-- fields:{key}:start -->", f"<!-- fields:{key}:end -->"
        if start not in text or end not in text:
            raise ValueError(f"{DOC.name}: markers {start} ... {end} not found")
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{render_table(specs)}\n{end}{tail}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is out of step, write nothing")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    fresh = update(current)
    if args.check:
        if fresh != current:
            print(f"{DOC}: field tables out of step with transcaspian.schema; run tools/data_dictionary.py", file=sys.stderr)
            return 1
        return 0
    if fresh != current:
        DOC.write_text(fresh, encoding="utf-8")
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
