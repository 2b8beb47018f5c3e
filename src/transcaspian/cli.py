"""Command-line interface: a thin layer over the public API.

Parses arguments, calls the library, prints, and sets the exit code:
0 success, 1 invalid data or scenario, 2 usage error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import TranscaspianError, ValidationError

__all__ = ["main", "build_parser"]

log = logging.getLogger("transcaspian.cli")


def _cmd_validate(args: argparse.Namespace) -> int:
    from .network import load_network
    from .validation import validate_network

    report = validate_network(args.path)
    if not report.ok:
        print(report)
        return 1
    print(report.summary())
    if args.list:
        net = load_network(args.path)
        for nid, row in net.nodes.iterrows():
            print(f"node {nid:32s} {row['kind']:18s} {row['name']}")
        for lid, row in net.links.iterrows():
            print(f"link {lid:32s} {row['mode']:9s} {row['from_node']} -> {row['to_node']}")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from .network import load_network

    net = load_network(args.path, as_of=args.as_of)
    print(repr(net))
    print(net.summary().to_string())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = argparse.ArgumentParser(
        prog="transcaspian",
        description="Central Asian export corridors: validate data, find routes, solve flows, map scenarios.",
    )
    p.add_argument("--version", action="version", version=f"transcaspian {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser("validate", help="check a geodata folder and report every problem")
    v.add_argument("path", nargs="?", type=Path, default=None, help="geodata folder (default: bundled data)")
    v.add_argument("--list", action="store_true", help="also list node and link ids")
    v.set_defaults(func=_cmd_validate)

    s = sub.add_parser("summary", help="links by mode and commodity")
    s.add_argument("path", nargs="?", type=Path, default=None)
    s.add_argument("--as-of", default=None, help="apply events up to this date (YYYY-MM-DD)")
    s.set_defaults(func=_cmd_summary)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``transcaspian`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except ValidationError as exc:
        print(exc, file=sys.stderr)
        return 1
    except TranscaspianError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
