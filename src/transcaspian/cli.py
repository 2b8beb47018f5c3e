"""Command-line interface: a thin layer over the public API.

Parses arguments, calls the library, prints, and sets the exit code:
0 success, 1 invalid data, scenario or output, 2 usage error, 130 Ctrl-C, 143 SIGTERM.
Every input folder and output path is checked before any work starts
(:func:`check_arguments`); a set of outputs is written into a staging folder and
renamed into place at the end (:class:`transcaspian.io.OutputSet`), so a run that
stops early leaves the previous outputs as they were; an existing output is replaced
only with ``--force``.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .errors import InputError, TranscaspianError, UnknownElementError, ValidationError
from .units import COMMODITIES, canonical_unit

__all__ = ["main", "build_parser"]

log = logging.getLogger("transcaspian.cli")

_EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


# --------------------------------------------------------------- data commands
def _cmd_validate(args: argparse.Namespace) -> int:
    from .loader import load_network
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
    from .loader import load_network

    net = load_network(args.path, as_of=args.as_of)
    print(repr(net))
    print(net.summary().to_string())
    return 0


# ------------------------------------------------------------- model commands
def _net(args: argparse.Namespace) -> Any:
    from .loader import load_network

    return load_network(args.data, as_of=getattr(args, "as_of", None))


def _scenario(path: str | None, args: argparse.Namespace | None = None) -> Any:
    from .dates import parse_date
    from .scenario import Scenario

    if not path:
        return None
    sc = Scenario.from_yaml(path, allow_outside=bool(getattr(args, "allow_outside", False)))
    as_of = getattr(args, "as_of", None)
    if as_of and sc.as_of is not None and parse_date(as_of, month="end", field="--as-of") != sc.as_of:
        # later: the scenario cannot undo events; earlier: the scenario's date would win without a word
        raise InputError(f"--as-of {as_of}: {path} sets as_of {sc.as_of}, another date "
                         "(fix: drop --as-of to let the scenario pick the date, or remove as_of from the scenario)")
    return sc


def _commodity(value: str | None) -> Any:
    if value is None:
        return None
    return value if value == "all" or "," not in value else value.split(",")


def _result_tables(res: Any) -> dict[str, Any]:
    # every link listing the commodity, zero-flow and disabled ones too, so two runs join row for row
    return {
        "flows": res.flows,
        "routes": res.routes,
        "delivered": res.delivered,
        "unserved": res.unserved,
        "saturated": res.saturated,
        "shadow_prices": res.shadow_prices,
        "emissions": res.emissions,
        "contracts": res.contracts,
    }


def _wanted(args: argparse.Namespace, scenario: Any) -> Any:
    """The commodities a command was asked for: ``--commodity``, else the scenario's, else crude."""
    return _commodity(args.commodity) or getattr(scenario, "commodity", None) or "crude"


def _no_supply_lines(net: Any, wanted: Any, solved: Sequence[str]) -> list[str]:
    """A line for each commodity asked for that was not solved because nothing supplies it."""
    from .flow.solver import resolve_commodities

    return [f"{c}: no supply in this scenario, nothing to route (a scenario's supplies.{c} adds one)"
            for c in resolve_commodities(wanted, net) if c not in solved]


def _render_result(res: Any, fmt: str, wanted: Any = None) -> str:
    from .tables import fmt_number, format_table, frame_records, to_csv, to_json

    tables = _result_tables(res)
    if fmt == "json":
        return to_json({"summary": res.summary(), **{k: frame_records(v) for k, v in tables.items()}})
    if fmt == "csv":
        return to_csv(tables["flows"])
    s = res.summary()
    head = f"Scenario: {s['scenario']}" + (f" (as of {s['as_of']})" if s["as_of"] else "")
    out = [head, "=" * len(head)]
    for c in res.commodities:
        unit = s["units"][c]
        uc = s["unit_cost"].get(c)
        uc_txt = f", {fmt_number(uc)} {s['cost_units'][c]} on average" if uc is not None else ""
        out.append(f"{c}: delivered {fmt_number(s['delivered'].get(c, 0))} {unit}, stranded {fmt_number(s['unserved'].get(c, 0))} {unit}{uc_txt}")
    if wanted is not None:
        out += _no_supply_lines(res.network, wanted, res.commodities)
    out.append(f"transport cost {fmt_number(res.total_cost)} USD/y; CO2 {fmt_number(res.co2_t)} t/y")
    if s["relaxed_contracts"]:
        out.append("relaxed contracts: " + ", ".join(f"{k} -> {fmt_number(v)}" for k, v in s["relaxed_contracts"].items()))
    routes = res.routes.drop(columns=["links", "modes", "class"], errors="ignore")
    sections = [
        ("Delivered by market", res.delivered),
        ("Unserved (stranded) by origin", res.unserved),
        ("Routes", routes),
        ("Saturated", res.saturated),
        ("Shadow prices of binding capacities", res.shadow_prices),
    ]
    for title, df in sections:
        out += ["", title, format_table(df, max_rows=25)]
    return "\n".join(out)


_RESULT_FILES = ("flows.csv", "routes.csv", "summary.json")


def _write_outputs(res: Any, outputs: Any, *, prefix: str = "") -> list[Path]:
    """The result's tables into an :class:`~transcaspian.io.OutputSet` (renamed into place at its end)."""
    from .tables import to_csv, to_json

    tables = _result_tables(res)
    return [
        outputs.write(f"{prefix}flows.csv", to_csv(tables["flows"])),
        outputs.write(f"{prefix}routes.csv", to_csv(tables["routes"])),
        outputs.write(f"{prefix}summary.json", to_json(res.summary()) + "\n"),
    ]


def _cmd_solve(args: argparse.Namespace) -> int:
    from .flow.solver import solve

    net = _net(args)
    sc = _scenario(args.scenario, args)
    # the two phases: every output shows the shadow prices, which the one-LP path of "auto" would
    # solve the two phases for after its own LP (transcaspian.flow.penalty)
    res = solve(net, sc, commodity=_commodity(args.commodity), objective=args.objective, method="lp")
    print(_render_result(res, args.format, _wanted(args, sc)))
    if args.out and _is_table_file(args.out):
        from .interop.results import write_table

        log.info("wrote %s", write_table(res, args.out))
    elif args.out:
        from .io import OutputSet

        with OutputSet(args.out) as outputs:
            written = _write_outputs(res, outputs)
        for p in written:
            log.info("wrote %s", p)
    return 0


#: The file suffixes ``solve --out`` and ``simulate --out`` write every table to (else ``--out`` is a folder).
_RESULT_TABLE_SUFFIXES = (".gpkg", ".parquet")


def _is_table_file(out: str) -> bool:
    """``--out`` names a GeoPackage or Parquet file (else it is a folder of CSV and JSON files)."""
    return Path(out).suffix.lower() in _RESULT_TABLE_SUFFIXES


def _cmd_routes(args: argparse.Namespace) -> int:
    from .routes import find_routes, routes_frame
    from .tables import format_table, to_csv, to_json

    net = _net(args)
    sc = _scenario(args.scenario, args)
    if sc is not None:
        net = sc.apply(net)
    for arg, value in (("origin", args.origin), ("destination", args.destination),
                       *(("--avoid-node", v) for v in args.avoid_node or ())):
        try:
            net.resolve(value, kind="node")
        except UnknownElementError as exc:
            raise InputError(f"routes: {arg}: {exc}") from None
    routes = find_routes(
        net, args.origin, args.destination, commodity=args.commodity, k=args.k, weight=args.weight,
        avoid_nodes=args.avoid_node or (), avoid_countries=args.avoid_country or (),
    )
    if args.format == "json":
        print(to_json([r.to_dict() for r in routes]))
    elif args.format == "csv":
        print(to_csv(routes_frame(routes)), end="")
    else:
        if not routes:
            print(f"no route for {args.commodity} from {args.origin} to {args.destination}")
        else:
            print(format_table(routes_frame(routes).set_index("rank")))
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare
    from .flow.solver import solve
    from .tables import to_csv, to_json

    net = _net(args)
    kw = {"commodity": _commodity(args.commodity)}
    base_sc, other_sc = _scenario(args.base, args), _scenario(args.other, args)
    wants = [_wanted(args, sc) for sc in (base_sc, other_sc)]
    if args.commodity is None and _as_set(wants[0]) != _as_set(wants[1]):
        raise InputError(f"compare: {args.base} solves {_names(wants[0])} and {args.other} solves {_names(wants[1])} "
                         "(fix: pass --commodity to solve both for the same commodities)")
    cmp = compare(solve(net, base_sc, **kw), solve(net, other_sc, **kw))
    if args.format == "json":
        print(to_json(cmp.to_dict()))
    elif args.format == "csv":
        print(to_csv(cmp.links), end="")
    else:
        print(cmp)
    if args.map:
        fig_path = _export(args.map, cmp.other.network, cmp.other, base=cmp.base, commodity=_one(args.commodity))
        print(f"wrote map to {fig_path}", file=sys.stderr if args.format != "table" else sys.stdout)
    return 0


def _names(wanted: Any) -> str:
    return wanted if isinstance(wanted, str) else ", ".join(wanted)


def _as_set(wanted: Any) -> set[str]:
    return {wanted} if isinstance(wanted, str) else set(wanted)


def _one(commodity: str | None) -> str | None:
    return commodity if commodity and commodity != "all" and "," not in commodity else None


def _export(path: str | Path, net: Any, result: Any = None, **kw: Any) -> Path:
    """Write a map with :func:`transcaspian.maps.static.export_map` (the suffix picks PNG/SVG/PDF/HTML)."""
    try:
        from .maps import static as plot
    except ImportError as exc:
        from .errors import TranscaspianError

        raise TranscaspianError(f"maps need the optional dependencies ({exc}); pip install 'transcaspian[maps]'") from None
    return plot.export_map(path, net, result, dpi=150, **kw)


def _cmd_map(args: argparse.Namespace) -> int:
    from .flow.solver import solve

    net = _net(args)
    sc = _scenario(args.scenario, args)
    if args.network_only:
        if args.commodity and args.commodity != "all" and _one(args.commodity) is None:
            raise InputError(f"map --network-only: --commodity {args.commodity} names several commodities, and the "
                             "network map draws one or all (fix: --commodity crude, say, or all)")
        path = _export(args.out, sc.apply(net) if sc is not None else net, commodity=_one(args.commodity))
    else:
        res = solve(net, sc, commodity=_commodity(args.commodity))
        path = _export(args.out, res.network, res, commodity=_one(args.commodity))
    print(f"wrote map to {path}")
    return 0


def _progress(label: str) -> Any:
    """A ``progress(done, total)`` callback drawing a tqdm bar on stderr (none without tqdm or a terminal)."""
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    bar: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "b" not in bar:
            bar["b"] = tqdm(total=total, desc=label, unit="solve", leave=False, disable=not sys.stderr.isatty())
        bar["b"].n = done
        bar["b"].refresh()
        if done >= total:
            bar.pop("b").close()

    return update


def _flat(df: Any) -> Any:
    """``df`` with its tuple cells (a knock-out's elements) joined by '+', as every table output writes them."""
    flat = df.copy()
    for c in flat.columns:
        if flat[c].map(lambda v: isinstance(v, tuple)).any():
            flat[c] = flat[c].map(lambda v: "+".join(map(str, v)) if isinstance(v, tuple) else v)
    return flat


def _write_table(df: Any, out: str, *, net: Any = None) -> None:
    """CSV, Parquet or (with element geometry) GeoPackage by suffix; written atomically.

    The CSV is the text ``--format csv`` prints (:func:`transcaspian.tables.to_csv`), row for row.
    """
    from .io import write_atomic
    from .tables import to_csv

    path = Path(out)
    suffix = path.suffix.lower()
    flat = _flat(df)
    if suffix == ".parquet":
        import io as _io

        buf = _io.BytesIO()
        flat.to_parquet(buf)
        write_atomic(path, buf.getvalue())
    elif suffix == ".gpkg":
        import geopandas as gpd

        geom = [net.nodes.geometry.get(e, net.links.geometry.get(e)) for e in flat.index]
        gdf = gpd.GeoDataFrame(flat.reset_index(), geometry=geom, crs=net.nodes.crs)
        tmp = path.with_name(f".{path.name}.tmp.gpkg")
        gdf.to_file(tmp, driver="GPKG", layer="criticality")
        tmp.replace(path)
    else:
        write_atomic(path, to_csv(flat))
    print(f"wrote {path}", file=sys.stderr)


#: How many N-1 elements ``criticality --k 2/3`` combines by default.
_COMBINE = 20


def _horizon(value: str | None) -> tuple[str, str] | None:
    """``--horizon START:END`` as ``(start, end)`` (the dates are read by the library)."""
    if value is None:
        return None
    start, sep, end = value.partition(":")
    if not sep or not start.strip() or not end.strip():
        raise InputError(f"--horizon {value!r}: not of the form START:END "
                         "(fix: give the first and last day, e.g. --horizon 2025-10-01:2026-02-28 or 2025-10:2026-02)")
    return start.strip(), end.strip()


def _check_criticality_options(args: argparse.Namespace) -> None:
    """Options of ``criticality`` that only work with another one: none is silently ignored."""
    _horizon(args.horizon)
    if args.outage_days is not None and not args.horizon:
        raise InputError(f"--outage-days {args.outage_days}: days out are counted on the time model only "
                         "(fix: add --horizon START:END, or drop --outage-days)")
    if args.combine is not None and args.k == 1:
        raise InputError(f"--combine {args.combine}: only --k 2 or 3 combines the top N-1 elements "
                         "(fix: add --k 2 or --k 3, or drop --combine)")
    if args.combine is not None and args.combine < args.k:
        raise InputError(f"--combine {args.combine} with --k {args.k}: {args.combine} element(s) make no set of "
                         f"{args.k}, so the table would be empty (fix: --combine {args.k} or more)")


def _cmd_criticality(args: argparse.Namespace) -> int:
    from .criticality import criticality
    from .tables import format_table, to_csv, to_json

    net = _net(args)
    horizon = _horizon(args.horizon)
    df = criticality(
        net, commodity=_commodity(args.commodity) or "crude", elements=args.elements, scenario=_scenario(args.scenario, args),
        k=args.k, top=args.combine or _COMBINE, horizon=horizon, outage=args.outage_days, progress=_progress("criticality"),
        workers=args.workers or 1, executor="dask" if args.scheduler or args.dask else "process", scheduler=args.scheduler,
    )
    if args.map:
        from .maps.criticality import save_criticality_map

        print(f"wrote map to {save_criticality_map(net, df, args.map)}", file=sys.stderr)
    if args.out:
        _write_table(df, args.out, net=net)
    if args.top:
        df = df.head(args.top)
    if args.format == "json":
        print(to_json(df))
    elif args.format == "csv":
        print(to_csv(_flat(df)), end="")
    else:
        print(format_table(df))
    return 0


def _cmd_ensemble(args: argparse.Namespace) -> int:
    from .ensemble import ensemble
    from .hazards import load_hazards
    from .tables import format_table, frame_records, to_json

    net = _net(args)
    out = args.out
    stream = out if out and out.lower().endswith(".parquet") else None
    extra = load_hazards(args.hazards) if args.hazards else []
    if args.hazards and not extra:
        raise InputError(f"--hazards {args.hazards}: the file lists no hazards (fix: list them under a top-level "
                         "`hazards:` key in the form of geodata/hazards.yaml, or drop --hazards)")
    ens = ensemble(net, _scenario(args.scenario, args), draws=args.draws, seed=args.seed, start=args.start, end=args.end, hazards=extra,
                   workers=args.workers or 1, executor="dask" if args.scheduler or args.dask else "process",
                   scheduler=args.scheduler, out=stream, progress=_progress("ensemble"))
    if out and stream is None:
        _write_table(ens.draws.set_index("draw"), out)
    unit = ens.meta.get("unit") or ""
    summary = ens.summary.copy()
    summary.index.name = "measure"
    # volumes over the horizon in the commodity's unit, costs in USD
    summary["unit"] = ["USD" if "cost" in str(m) else unit for m in summary.index]
    worst = ens.worst_decile.copy()
    worst.index.name = worst.index.name or "hazard"
    if args.format == "json":
        head = {k: ens.meta.get(k) for k in ("draws", "seed", "start", "end", "step", "unit")}
        print(to_json({**head, "summary": frame_records(summary), "worst_decile": frame_records(worst)}))
    else:
        print(f"{ens.meta['draws']} draws, seed {ens.meta['seed']}, {ens.meta['start']} to {ens.meta['end']} "
              f"(volumes in {unit}, costs in USD)")
        print(format_table(summary))
        print()
        print(format_table(worst))
    return 0


def demo_scenarios() -> tuple[Any, Any]:
    """The baseline and CPC-outage scenarios: from examples/ if present, else built in code."""
    from .scenario import Scenario

    if (_EXAMPLES / "cpc_outage.yaml").exists() and (_EXAMPLES / "baseline.yaml").exists():
        return Scenario.from_yaml(_EXAMPLES / "baseline.yaml"), Scenario.from_yaml(_EXAMPLES / "cpc_outage.yaml")
    base = Scenario(name="baseline", description="The 2025 network as curated, no event applied.")
    cut = Scenario(
        name="cpc_outage",
        description="The CPC marine terminal at Novorossiysk loads nothing.",
        disable=("novorossiysk_cpc_terminal",),
    )
    return base, cut


def _cmd_demo(args: argparse.Namespace) -> int:
    from .compare import compare
    from .flow.solver import solve
    from .io import OutputSet
    from .tables import fmt_number, to_csv, to_json

    net = _net(args)
    base_sc, cut_sc = demo_scenarios()
    base = solve(net, base_sc, commodity="crude")
    cut = solve(net, cut_sc, commodity="crude")
    cmp = compare(base, cut)
    print(cmp)
    # the same outage with every contract lifted: the physical ceiling of the bypasses
    ceiling = solve(net, dataclasses.replace(cut_sc, name=f"{cut_sc.name} (contracts lifted)", drop_contracts=("all",)),
                    commodity="crude")
    gain = ceiling.total_delivered["crude"] - cut.total_delivered["crude"]
    print(
        f"\nPhysical ceiling: with every transit plan, quota and shipper allocation lifted "
        f"(examples/scenarios/cpc_outage_physical.yaml) the network could deliver "
        f"{fmt_number(ceiling.total_delivered['crude'])} Mt/y (+{fmt_number(gain)} Mt/y), stranding "
        f"{fmt_number(sum(ceiling.total_unserved.values()))} Mt/y."
    )
    print("\n" + _allocation_lines(net, cut_sc, cut))
    if args.out:
        out = Path(args.out)
        with OutputSet(out) as outputs:  # the whole set, or the previous one left as it was
            outputs.write("comparison.txt", str(cmp) + "\n")
            outputs.write("comparison.json", to_json(cmp.to_dict()) + "\n")
            outputs.write("link_changes.csv", to_csv(cmp.links))
            _write_outputs(base, outputs, prefix="baseline_")
            _write_outputs(cut, outputs, prefix="cpc_outage_")
            maps = _demo_map(net, cut, base, outputs)
        for line in maps:
            print(line)
        print(f"\nwrote tables to {out}/")
    return 0


def _allocation_lines(net: Any, scenario: Any, by_cost: Any) -> str:
    """Who is stranded in the outage under both allocation rules (cost, pro_rata), side by side."""
    from .flow.solver import solve
    from .tables import fmt_number

    fair = solve(net, scenario, commodity="crude", allocation="pro_rata")
    origins = sorted(set(by_cost.unserved.index) | set(fair.unserved.index), key=lambda k: -fair.unserved.loc[k, "unserved"])
    lines = ["Who is stranded, by allocation rule (Mt/y): cost = cheapest first; pro_rata = every shipper behind",
             "a bottleneck served the same share of its supply (how CPC rations space).",
             f"  {'origin':<16}{'cost':>10}{'pro_rata':>10}{'share served':>14}"]
    for key in origins:
        a, b = by_cost.unserved.loc[key, "unserved"], fair.unserved.loc[key, "unserved"]
        if max(a, b) <= 1e-6:
            continue
        share = max(0.0, fair.meta["served_share"].get(f"{key[0]}@{key[1]}", float("nan")))
        lines.append(f"  {key[1]:<16}{fmt_number(a):>10}{fmt_number(b):>10}{share:>14.1%}")
    lines.append(f"  {'total':<16}{fmt_number(by_cost.total_unserved['crude']):>10}{fmt_number(fair.total_unserved['crude']):>10}")
    lines.append(f"  unit cost {fmt_number(by_cost.unit_cost['crude'])} vs {fmt_number(fair.unit_cost['crude'])} USD/t delivered")
    return "\n".join(lines)


#: The files ``demo --out`` writes.
DEMO_FILES = ("comparison.txt", "comparison.json", "link_changes.csv",
              *(f"{p}{n}" for p in ("baseline_", "cpc_outage_") for n in _RESULT_FILES),
              "cpc_outage.png", "cpc_outage_panels.png", "cpc_outage.html")


def _demo_map(net: Any, cut: Any, base: Any, outputs: Any) -> list[str]:
    """Draw the before/after maps into the output set when the optional map extra is installed; the lines to print."""
    from .errors import TranscaspianError

    lines = []
    try:
        # the at-a-glance map: one panel of gains, losses, the cut terminal, saturated
        # bypasses and stranded volume; then before/after panels for the absolute flows
        for name, what, kw in (("cpc_outage.png", "map", {"layout": "change"}),
                               ("cpc_outage_panels.png", "before/after map", {"layout": "stacked"}),
                               ("cpc_outage.html", "interactive map", {"title": "CPC marine terminal out of service"})):
            _export(outputs.path(name), cut.network, cut, base=base, commodity="crude", **kw)
            lines.append(f"wrote {what} to {outputs.folder / name}")
    except TranscaspianError as exc:
        log.warning("no map drawn: %s", exc)
    return lines


# ----------------------------------------------------------------- simulate
def _cmd_simulate(args: argparse.Namespace) -> int:
    """``transcaspian simulate``: loadings, deferred output and tank levels by period, and the chart."""
    from .tables import fmt_number, format_table, frame_records, to_csv, to_json
    from .timeline.run import simulate

    net = _net(args)
    sc = _scenario(args.scenario, args)
    res = simulate(net, sc, start=args.start, end=args.end, step=args.step,
                   commodity=_commodity(args.commodity), method=args.method, transit_delay=args.transit_delay,
                   allocation=args.allocation)
    table = _simulation_table(res, net)
    if args.format == "json":
        print(to_json({"summary": res.summary(), "by_period": frame_records(table)}))
    elif args.format == "csv":
        print(to_csv(table), end="")
    else:
        s = res.summary()
        head = f"Simulation: {s['scenario']} from {s['start']} to {s['end']} by {res.step} ({s['periods']} periods)"
        print(head + "\n" + "=" * len(head))
        for c, t in s["totals"].items():
            print(f"{c}: planned {fmt_number(t['planned'])} {t['unit']}, cut by events "
                  f"{fmt_number(t['planned'] - t['available'])}, deferred {fmt_number(t['deferred'])}, "
                  f"stranded {fmt_number(t['stranded'])}, delivered {fmt_number(t['delivered'])} {t['unit']}")
        for line in _no_supply_lines(net, _wanted(args, sc), tuple(s["totals"])):
            print(line)
        if s["relaxed_contracts"]:
            print("relaxed contracts: " + ", ".join(f"{k} -> {fmt_number(v)}" for k, v in s["relaxed_contracts"].items()))
        print("\n" + format_table(table.set_index("period"), max_rows=400))
    out = Path(args.out) if args.out else None
    if out is not None and _is_table_file(args.out):
        from .interop.results import write_table

        log.info("wrote %s", write_table(res, out))
        out = None  # the chart then goes only where --chart says
    if out is not None:
        from .io import OutputSet

        with OutputSet(out) as outputs:
            for name in ("flows", "throughput", "storage", "production", "delivered"):
                log.info("wrote %s", outputs.write(f"{name}.csv", to_csv(getattr(res, name))))
            outputs.write("by_period.csv", to_csv(table))
            outputs.write("summary.json", to_json(res.summary()) + "\n")
            if not args.chart and not args.no_chart:
                _chart(res, outputs.path("timeseries.png"), out / "timeseries.png", args)
    if args.chart and not args.no_chart:
        _chart(res, Path(args.chart), Path(args.chart), args)
    return 0


#: The files ``simulate --out`` writes (the chart unless --chart or --no-chart).
SIMULATE_FILES = (*(f"{n}.csv" for n in ("flows", "throughput", "storage", "production", "delivered", "by_period")),
                  "summary.json")


def _chart(res: Any, path: Path, final: Path, args: argparse.Namespace) -> None:
    """Draw the time-series chart to ``path`` (its place is ``final``) when matplotlib is installed."""
    try:
        from .maps.timeseries import save_timeseries
    except ImportError as exc:
        log.warning("no chart drawn: maps need the optional dependencies (%s)", exc)
        return
    if not res.commodities:
        log.warning("no chart drawn: no commodity was simulated (none has a supply)")
        return
    # the chart draws one commodity: the one simulated, or the first of several (said in its title)
    commodity = res.commodities[0]
    title = None
    if len(res.commodities) > 1:
        labels = res.periods["period"].tolist()
        title = f"{res.scenario}: {commodity} (of {', '.join(res.commodities)}), {labels[0]} to {labels[-1]}, by {res.step}"
    save_timeseries(res, path, commodity=commodity, title=title)
    what = f" of {commodity}" if len(res.commodities) > 1 else ""
    print(f"wrote chart{what} to {final}", file=sys.stderr if args.format != "table" else sys.stdout)


def _simulation_table(res: Any, net: Any = None) -> Any:
    """One row per period: loadings of the terminals with moorings or storage, tank levels, deferred output.

    Every column names its unit (Mt, bcm, TEU, kt: the commodity's; a capacity the node's,
    read from ``net``, as it may be shared by commodities); with more than one commodity
    every column names its commodity too, and nothing is summed across them.
    """
    import pandas as pd
    commodities = list(res.commodities)
    unit = {c: canonical_unit(c).split("/")[0] for c in commodities}
    many = len(commodities) > 1

    def named(prefix: str, c: str) -> str:
        return f"{prefix} {c}".strip() if many else prefix

    thr = res.throughput
    short = res.meta.get("short_names", {})
    nodes = list(dict.fromkeys([*res.meta.get("moorings", ()), *res.storage["node"]]))
    table = res.periods[["period", "days"]].copy()
    for nid in nodes:
        for c in commodities:
            t = thr[(thr["node"] == nid) & (thr["commodity"] == c)].set_index("period")
            if t.empty:
                continue
            head = named(short.get(nid, nid), c)
            table[f"{head} loadings {unit[c]}"] = table["period"].map(t["throughput"]).fillna(0.0)
            if t["kbpd"].notna().any():
                table[f"{head} kbpd"] = table["period"].map(t["kbpd"]).fillna(0.0)
            cap_unit = str(t["capacity_unit"].iloc[0]) if "capacity_unit" in t and t["capacity_unit"].notna().any() else None
            table[f"{head} capacity {cap_unit or _node_unit(net, nid) or unit[c]}"] = table["period"].map(t["capacity"])
    for (nid, c), g in res.storage.groupby(["node", "commodity"], sort=False):
        table[f"{named(short.get(nid, nid), c)} tanks {unit.get(c, '')}".rstrip()] = (
            table["period"].map(g.set_index("period")["level"]))
    for c in commodities:
        prod = res.production[res.production["commodity"] == c].groupby("period")[
            ["planned", "available", "deferred", "stranded"]].sum()
        got = res.delivered[res.delivered["commodity"] == c].groupby("period")["value"].sum()
        table[f"{named('', c)} cut by events {unit[c]}".strip()] = table["period"].map(prod["planned"] - prod["available"])
        table[f"{named('', c)} deferred {unit[c]}".strip()] = table["period"].map(prod["deferred"])
        table[f"{named('', c)} stranded {unit[c]}".strip()] = table["period"].map(prod["stranded"])
        table[f"{named('', c)} delivered {unit[c]}".strip()] = table["period"].map(got)
    return pd.DataFrame(table)


def _node_unit(net: Any, nid: str) -> str | None:
    """The unit of a node's capacity per period (``Mt/y`` -> ``Mt``), None when unknown."""
    if net is None or nid not in net.nodes.index or "unit" not in net.nodes.columns:
        return None
    u = net.nodes.at[nid, "unit"]
    return str(u).split("/")[0] if isinstance(u, str) and u else None


def _add_simulate_parser(sub: Any, common: Any, commodity_choices: Sequence[str]) -> None:
    """The ``simulate`` subcommand's arguments."""
    sim = sub.add_parser("simulate", help="flows period by period over a horizon: loadings, tanks, deferred output, chart")
    sim.add_argument("scenario", nargs="?", default=None, help="scenario YAML (its start/end/step/outages are the defaults)")
    sim.add_argument("--start", default=None, help="first day (YYYY-MM-DD, or YYYY-MM for the month's first day)")
    sim.add_argument("--end", default=None, help="last day (YYYY-MM-DD, or YYYY-MM for the month's last day)")
    sim.add_argument("--step", choices=["day", "week", "month", "year"], default=None, help="period length (default month)")
    sim.add_argument("--commodity", default=None, help=f"one of {', '.join(commodity_choices)}, or a comma list")
    sim.add_argument("--method", choices=["auto", "lexicographic", "penalty"], default="auto",
                     help="two LPs (lexicographic, as solve) or one penalty LP; auto: penalty above 50k columns")
    sim.add_argument("--allocation", choices=["cost", "pro_rata"], default=None,
                     help="who is cut at a shared bottleneck, month by month (default: the scenario's, else cost)")
    sim.add_argument("--transit-delay", action="store_true",
                     help="flow arrives time_days later (whole periods; for daily and weekly steps)")
    sim.add_argument("--out", default=None, help="write the tables (CSV), summary.json and timeseries.png in this folder, or the tables to a .gpkg or .parquet file")
    sim.add_argument("--chart", default=None, help="write the time-series chart to this file (.png, .svg, .pdf)")
    sim.add_argument("--no-chart", action="store_true", help="do not draw the chart")
    common(sim)
    sim.add_argument("--force", action="store_true", help="replace outputs that already exist")
    sim.set_defaults(func=_cmd_simulate)


# --------------------------------------------------------------------- parser
def _whole(text: str, least: int, below: str) -> int:
    """``text`` as a whole number of at least ``least`` (else a usage error saying ``below``)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if v < least:
        raise argparse.ArgumentTypeError(f"{v} {below}")
    return v


def _positive(text: str) -> int:
    return _whole(text, 1, "is not at least 1")


def _non_negative(text: str) -> int:
    return _whole(text, 0, "is negative")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (the usage is in ``--help``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = _Parser(
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
    s.add_argument("--as-of", default=None, help="apply events up to this date (YYYY-MM-DD, or YYYY-MM for the month's end)")
    s.set_defaults(func=_cmd_summary)

    commodity_choices = [*COMMODITIES, "all"]

    def common(sp: argparse.ArgumentParser, *, fmt: bool = True) -> None:
        sp.add_argument("--data", type=Path, default=None, help="geodata folder (default: bundled data)")
        sp.add_argument("--as-of", default=None, help="load the network with events up to this date")
        sp.add_argument("--allow-outside", action="store_true",
                        help="let a scenario's extends read files outside the scenario's folder")
        if fmt:
            sp.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format")

    so = sub.add_parser("solve", help="solve the flows of a scenario (default: the baseline)")
    so.add_argument("scenario", nargs="?", default=None, help="scenario YAML file")
    so.add_argument("--commodity", default=None, help=f"one of {', '.join(commodity_choices)}, or a comma list")
    so.add_argument("--objective", choices=["cost", "time", "emissions"], default=None)
    so.add_argument("--out", default=None, help="also write flows.csv, routes.csv and summary.json in this folder, or every table to a .gpkg (one layer each) or .parquet (tidy) file")
    common(so)
    so.add_argument("--force", action="store_true", help="replace outputs that already exist")
    so.set_defaults(func=_cmd_solve)

    r = sub.add_parser("routes", help="the k best routes between two nodes")
    r.add_argument("origin")
    r.add_argument("destination")
    r.add_argument("--commodity", choices=list(COMMODITIES), default="crude")
    r.add_argument("--k", type=_positive, default=3, help="how many routes (default 3)")
    r.add_argument("--weight", choices=["cost", "time", "distance"], default="cost")
    r.add_argument("--scenario", default=None, help="apply this scenario file first")
    r.add_argument("--avoid-node", action="append", help="node id or alias to avoid (repeatable)")
    r.add_argument("--avoid-country", action="append", help="ISO3 country to avoid (repeatable)")
    common(r)
    r.set_defaults(func=_cmd_routes)

    c = sub.add_parser("compare", help="solve two scenarios and show what changed")
    c.add_argument("base", help="base scenario YAML (e.g. examples/scenarios/baseline.yaml)")
    c.add_argument("other", help="other scenario YAML")
    c.add_argument("--commodity", default=None)
    c.add_argument("--map", default=None, help="also draw the comparison to this file (.png, .svg, .pdf: before/after panels; .html: interactive)")
    common(c)
    c.add_argument("--force", action="store_true", help="replace outputs that already exist")
    c.set_defaults(func=_cmd_compare)

    k = sub.add_parser("criticality", help="knock out each node or link (or pair, or triple) and rank the losses")
    k.add_argument("--commodity", default="crude")
    k.add_argument("--elements", choices=["nodes", "links", "both"], default="nodes")
    k.add_argument("--k", type=int, choices=[1, 2, 3], default=1, help="elements out at once (2, 3: pairs, triples of the top --combine)")
    k.add_argument("--combine", type=_positive, default=None,
                   help=f"how many N-1 elements --k 2/3 combines (default {_COMBINE})")
    k.add_argument("--horizon", default=None, help="START:END: rank on the time model over this horizon")
    k.add_argument("--outage-days", type=_positive, default=None, help="with --horizon: days each element is out")
    k.add_argument("--scenario", default=None)
    k.add_argument("--top", type=_positive, default=None, help="show only the N most critical")
    k.add_argument("--workers", type=_positive, default=None,
                   help="processes that share the knock-outs (same rows as 1; default 1)")
    k.add_argument("--dask", action="store_true", help="run the knock-outs on a local Dask cluster")
    k.add_argument("--scheduler", default=None, help="address of a Dask scheduler to run the knock-outs on")
    k.add_argument("--out", default=None, help="write every row to .csv, .parquet or .gpkg")
    k.add_argument("--map", default=None, help="draw a criticality map (.png, .svg, .pdf; .html: interactive)")
    common(k)
    k.add_argument("--force", action="store_true", help="replace outputs that already exist")
    k.set_defaults(func=_cmd_criticality)

    en = sub.add_parser("ensemble", help="Monte Carlo seasons of disruptions over the time model")
    en.add_argument("scenario", nargs="?", default=None, help="scenario YAML (its horizon and outages)")
    en.add_argument("--draws", type=_positive, default=200)
    en.add_argument("--seed", type=_non_negative, default=0, help="seed of the draws (a whole number >= 0)")
    en.add_argument("--start", default=None)
    en.add_argument("--end", default=None)
    en.add_argument("--hazards", default=None, help="more hazards: a YAML file in the form of geodata/hazards.yaml")
    en.add_argument("--workers", type=_positive, default=None, help="processes that share the draws (default 1)")
    en.add_argument("--dask", action="store_true", help="run on a local Dask cluster")
    en.add_argument("--scheduler", default=None, help="address of a Dask scheduler")
    en.add_argument("--out", default=None, help="per-draw rows to .parquet (streamed) or .csv")
    common(en, fmt=False)
    en.add_argument("--format", choices=["table", "json"], default="table")
    en.add_argument("--force", action="store_true", help="replace an output that already exists")
    en.set_defaults(func=_cmd_ensemble)

    mp = sub.add_parser("map", help="draw a scenario's flows (or the network) to PNG/SVG/PDF or an interactive HTML page")
    mp.add_argument("scenario", nargs="?", default=None, help="scenario YAML (default: the baseline)")
    mp.add_argument("--out", required=True, help="output file (.png, .svg, .pdf, or .html for the interactive map)")
    mp.add_argument("--commodity", default=None)
    mp.add_argument("--network-only", action="store_true", help="draw the network without solving")
    common(mp, fmt=False)
    mp.add_argument("--force", action="store_true", help="replace outputs that already exist")
    mp.set_defaults(func=_cmd_map)

    d = sub.add_parser("demo", help="CPC terminal outage against the baseline: comparison table, PNG and HTML maps")
    d.add_argument("--out", default=None, help="write tables (and the map) here")
    common(d, fmt=False)
    d.add_argument("--force", action="store_true", help="replace outputs that already exist")
    d.set_defaults(func=_cmd_demo)

    _add_simulate_parser(sub, common, commodity_choices)
    return p


# ------------------------------------------------------------ checks before any work
_MAP_SUFFIXES = (".png", ".svg", ".pdf", ".html")
_CHART_SUFFIXES = (".png", ".svg", ".pdf")
_TABLE_SUFFIXES = (".csv", ".parquet", ".gpkg")
#: ``ensemble --out``: the per-draw rows have no geometry, so no GeoPackage.
_DRAW_SUFFIXES = (".csv", ".parquet")


def _usage(option: str, path: Path, problem: str, fix: str) -> InputError:
    return InputError(f"{option} {path}: {problem} (fix: {fix})")


def _writable(option: str, path: Path) -> None:
    """The nearest existing folder of ``path`` is a folder we can create files in."""
    anc = path
    while not anc.exists() and anc != anc.parent:
        anc = anc.parent
    if not anc.is_dir():
        raise _usage(option, path, f"{anc} is a file, not a folder", "choose an output path inside a folder")
    try:
        with tempfile.TemporaryFile(dir=anc):
            pass
    except OSError as exc:
        raise _usage(option, path, f"{anc} is not writable ({exc.strerror})", "choose a writable folder") from None


#: Suffixes of files that an output folder's name would not end in (``--out flows.csv`` means a file).
_FILE_SUFFIXES = frozenset((".csv", ".tsv", ".json", ".geojson", ".txt", ".png", ".svg", ".pdf", ".html", ".htm",
                            ".jpg", ".jpeg", ".xlsx", ".xls", ".yaml", ".yml", ".feather", ".shp", ".zip",
                            ".parquet", ".gpkg"))


def _check_out_folder(option: str, value: str | None, names: Sequence[str], force: bool,
                      files: Sequence[str] = ()) -> None:
    """``value`` is an output folder (or, by its suffix, one of the table ``files`` the command writes)."""
    if not value:
        return
    path = Path(value)
    if files and path.suffix.lower() in files:
        _check_out_file(option, value, files, force)
        return
    if not path.is_dir() and path.suffix.lower() in _FILE_SUFFIXES:
        also = f", or a {' or '.join(files)} file" if files else ""
        raise _usage(option, path, f"names a {path.suffix} file, but {option} is the folder the outputs "
                     f"({', '.join(names[:3])}, ...) are written in", f"give a folder name{also}")
    if path.exists() and not path.is_dir():
        raise _usage(option, path, "is a file, not a folder", "give a folder for the outputs")
    _writable(option, path)
    existing = [n for n in names if (path / n).exists()]
    if existing and not force:
        raise _usage(option, path, f"{existing[0]} and {len(existing) - 1} more output(s) exist" if len(existing) > 1
                     else f"{existing[0]} exists", "pass --force to replace them, or choose another folder")


def _check_out_file(option: str, value: str | None, suffixes: Sequence[str], force: bool) -> None:
    if not value:
        return
    path = Path(value)
    if path.is_dir():
        raise _usage(option, path, "is a folder, not a file", f"give a file name ending in {', '.join(suffixes)}")
    if path.suffix.lower() not in suffixes:
        raise _usage(option, path, f"unknown suffix {path.suffix!r}", f"end the name in {', '.join(suffixes)}")
    _writable(option, path.parent)
    if path.exists() and not force:
        raise _usage(option, path, "exists", "pass --force to replace it, or choose another name")


def _check_folder_arg(option: str, value: Path | None) -> None:
    if value is None:
        return
    if value.is_file():
        raise _usage(option, value, "is a file, not a folder", "give the geodata folder (nodes.geojson, links.geojson, ...)")
    if not value.exists():
        raise _usage(option, value, "folder not found", "give the geodata folder (nodes.geojson, links.geojson, ...)")


def check_arguments(args: argparse.Namespace) -> None:
    """Every input folder and output path of a command, checked before any work starts.

    Raises
    ------
    InputError
        Naming the option, the path and the fix: a data folder that is a file or
        missing; an output in a folder that cannot be written; a map or chart with an
        unknown suffix, a criticality table not ``.csv``, ``.parquet`` or ``.gpkg``; an
        output that exists (without ``--force``).
    """
    _check_folder_arg("--data", getattr(args, "data", None))
    if args.command in ("validate", "summary"):
        _check_folder_arg("path", args.path)
    force = bool(getattr(args, "force", False))
    timed = args.command in ("simulate", "ensemble") or (args.command == "criticality" and args.horizon)
    if timed and args.as_of:
        days = "--horizon picks" if args.command == "criticality" else "--start and --end pick"
        raise InputError(f"--as-of {args.as_of}: {args.command}{' --horizon' if args.command == 'criticality' else ''} "
                         "applies the dated events day by day over its horizon, so the network is loaded without a date "
                         f"(fix: drop --as-of; {days} the days)")
    if args.command in ("criticality", "ensemble") and args.scheduler and args.workers is not None:
        raise InputError(f"--workers {args.workers} with --scheduler {args.scheduler}: the scheduler's cluster has "
                         "its own workers (fix: drop --workers, or drop --scheduler to run on this machine)")
    if args.command == "solve":
        _check_out_folder("--out", args.out, _RESULT_FILES, force, _RESULT_TABLE_SUFFIXES)
    elif args.command == "demo":
        _check_out_folder("--out", args.out, DEMO_FILES, force)
    elif args.command == "simulate":
        if args.chart and args.no_chart:
            raise InputError(f"--chart {args.chart} and --no-chart: one asks for the chart, the other for none "
                             "(fix: drop one of them)")
        chart = () if args.chart or args.no_chart or (args.out and _is_table_file(args.out)) else ("timeseries.png",)
        _check_out_folder("--out", args.out, (*SIMULATE_FILES, *chart), force, _RESULT_TABLE_SUFFIXES)
        _check_out_file("--chart", args.chart, _CHART_SUFFIXES, force)
    elif args.command == "map":
        _check_out_file("--out", args.out, _MAP_SUFFIXES, force)
    elif args.command == "compare":
        _check_out_file("--map", args.map, _MAP_SUFFIXES, force)
    elif args.command == "criticality":
        _check_out_file("--out", args.out, _TABLE_SUFFIXES, force)
        _check_out_file("--map", args.map, _MAP_SUFFIXES, force)
        _check_criticality_options(args)
    elif args.command == "ensemble":
        _check_out_file("--out", args.out, _DRAW_SUFFIXES, force)


# --------------------------------------------------------------------- signals
class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM, so ``finally`` blocks remove temporary files."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


def _one_line(exc: BaseException) -> str:
    """An error as one line: a ValidationError by its first problem, others with their lines joined."""
    if isinstance(exc, ValidationError) and exc.problems:
        more = len(exc.problems) - 1
        tail = f" (and {more} more problem(s): `transcaspian validate` lists them all)" if more else ""
        return f"{exc.problems[0]}{tail}"
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " ".join(line[2:] if line.startswith("- ") else line for line in lines)


def _commodity_problem(value: str) -> str | None:
    """What is wrong with a ``--commodity`` value (None: nothing); spaces around the commas are allowed."""
    items = [c.strip() for c in value.split(",")]
    if "" in items:
        return "an empty name" if len(items) > 1 else "no commodity named"
    bad = [c for c in items if c not in (*COMMODITIES, "all")]
    if bad:
        return f"unknown commodity {', '.join(bad)}"
    if "all" in items and len(items) > 1:
        return "all already names every commodity; it cannot be part of a list"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``transcaspian`` command.

    Exit codes: 0 success, 1 bad data, scenario or output, 2 usage error, 130 Ctrl-C,
    143 SIGTERM. An error is one line on stderr, never a traceback (``-vv`` logs it).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage error (2) or --help/--version (0)
        return int(exc.code or 0)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    commodity = getattr(args, "commodity", None)
    if commodity is not None and args.command in ("solve", "compare", "criticality", "map", "simulate"):
        problem = _commodity_problem(str(commodity))
        if problem:
            print(f"transcaspian {args.command}: error: --commodity {commodity!r}: {problem} "
                  f"(fix: use one of {', '.join(COMMODITIES)}, a comma list of them, or all)", file=sys.stderr)
            return 2
        args.commodity = ",".join(c.strip() for c in str(commodity).split(","))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        check_arguments(args)
        return int(args.func(args) or 0)
    except TranscaspianError as exc:
        log.debug("details", exc_info=True)
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Terminated:
        print("transcaspian: stopped by SIGTERM; every output is either complete or as it was before", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("transcaspian: interrupted (Ctrl-C); every output is either complete or as it was before", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0
    except MemoryError:
        print("error: out of memory; use a smaller network or scenario, or a machine with more memory", file=sys.stderr)
        return 1
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
