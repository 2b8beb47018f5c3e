"""Compare two flow results: what moved where, what was lost, what it costs.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> cmp = tc.compare(tc.solve(net), tc.solve(net, tc.Scenario(name="cut", disable=["terminal"])))
>>> cmp.lines[0]
'Sea Terminal (terminal) is disabled.'
>>> float(cmp.delivered.loc[("crude", "europe"), "change"])
-30.0
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from .elements import contract_label
from .errors import ComparisonError
from .guards import check_results
from .tables import fmt_number, format_table, frame_records
from .units import CANONICAL_UNITS, cost_unit

if TYPE_CHECKING:  # importing transcaspian.flow loads scipy.optimize; compare needs none of it
    from .flow.result import FlowResult
    from .network import CorridorNetwork

__all__ = ["Comparison", "compare"]

#: Changes smaller than this (canonical units) are noise.
TOL = 1e-6

#: Adjectives for the countries of the region, for plain-language lines.
DEMONYMS = {
    "KAZ": "Kazakh", "AZE": "Azerbaijani", "TKM": "Turkmen", "UZB": "Uzbek", "RUS": "Russian",
    "CHN": "Chinese", "GEO": "Georgian", "TUR": "Turkish", "KGZ": "Kyrgyz", "TJK": "Tajik", "IRN": "Iranian",
}


@dataclasses.dataclass(frozen=True, eq=False)
class Comparison:
    """Differences between a base result and another (``other - base``).

    The two sides' columns are named after the scenarios (``labels``: e.g.
    ``baseline`` and ``cpc_outage``), so a table read on its own says what it holds.
    Only results of the same commodities, objective, allocation rule and network are
    compared (:class:`~transcaspian.errors.ComparisonError` otherwise).

    Attributes
    ----------
    base, other : FlowResult
    delivered : pandas.DataFrame
        Index (``commodity``, ``market``): ``<base name>``, ``<other name>``, ``change``, ``unit``.
    unserved : pandas.DataFrame
        Index (``commodity``, ``origin``): ``<base name>``, ``<other name>``, ``change``, ``unit``.
    links : pandas.DataFrame
        Links whose flow changed (gross, both directions), largest change first:
        ``link``, ``commodity``, ``name``, the two sides, ``change``, ``unit``,
        ``utilisation`` (other), ``saturated`` (other), ``disabled`` (other).
    unit_cost : pandas.DataFrame
        Index ``commodity``: the two sides, ``change`` (cost unit per unit
        delivered, e.g. USD/t) and ``cost_unit``.
    total_cost : dict
        The two sides and ``change`` in USD per year.
    lines : list of str
        Plain-language summary built from the tables.
    """

    base: FlowResult
    other: FlowResult
    delivered: pd.DataFrame
    unserved: pd.DataFrame
    links: pd.DataFrame
    unit_cost: pd.DataFrame
    total_cost: dict[str, float]
    lines: list[str]

    @property
    def labels(self) -> tuple[str, str]:
        """The column labels of the two sides (the scenario names)."""
        return labels(self.base, self.other)

    def __str__(self) -> str:
        a, b = self.labels
        title = f"{a} -> {b}"
        out = [title, "=" * len(title), *self.lines, ""]
        out += ["Delivered by market", format_table(self.delivered), ""]
        out += ["Unserved (stranded) by origin", format_table(self.unserved), ""]
        out += ["Links that gained or lost flow", format_table(self.links.set_index("link"), max_rows=15), ""]
        out += ["Unit cost (per unit delivered)", format_table(self.unit_cost), ""]
        tc = self.total_cost
        out.append(f"Total transport cost: {fmt_number(tc[a])} -> {fmt_number(tc[b])} USD/y ({_signed(tc['change'])})")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """Tables and lines as plain data."""
        return {
            "base": _name(self.base),
            "other": _name(self.other),
            "lines": list(self.lines),
            "delivered": frame_records(self.delivered),
            "unserved": frame_records(self.unserved),
            "links": frame_records(self.links),
            "unit_cost": frame_records(self.unit_cost),
            "total_cost": dict(self.total_cost),
        }


def _name(res: FlowResult) -> str:
    return getattr(res.scenario, "name", None) or "baseline"


def _signed(v: float) -> str:
    return ("+" if v > 0 else "") + fmt_number(v)


def _side(a: pd.Series, b: pd.Series, unit: pd.Series) -> pd.DataFrame:
    idx = a.index.union(b.index, sort=False)
    df = pd.DataFrame({"base": a.reindex(idx).fillna(0.0), "other": b.reindex(idx).fillna(0.0)})
    df["change"] = df["other"] - df["base"]
    df.loc[df["change"].abs() < TOL, "change"] = 0.0
    df["unit"] = unit.reindex(idx).fillna("")
    return df


def compare(base: FlowResult, other: FlowResult) -> Comparison:
    """What changed from ``base`` to ``other``.

    Parameters
    ----------
    base, other : FlowResult
        Usually the baseline and a scenario, solved for the same commodities.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> cmp = tc.compare(tc.solve(net), tc.solve(net, tc.Scenario(name="half", derate={"terminal": 0.5})))
    >>> cmp.links[["link", "change"]].head(2).round(6).values.tolist()
    [['hub_terminal', -15.0], ['terminal_europe', -15.0]]
    """
    check_results("compare", base=base, other=other)
    _check_comparable(base, other)
    units = pd.concat([base.delivered["unit"], other.delivered["unit"]])
    units = units[~units.index.duplicated()]
    delivered = _side(base.delivered["volume"], other.delivered["volume"], units)
    uunits = pd.concat([base.unserved["unit"], other.unserved["unit"]])
    uunits = uunits[~uunits.index.duplicated()]
    unserved = _side(base.unserved["unserved"], other.unserved["unserved"], uunits)
    links = _link_changes(base, other)
    rows = {}
    for c in dict.fromkeys([*base.commodities, *other.commodities]):
        b, o = base.unit_cost.get(c, math.nan), other.unit_cost.get(c, math.nan)
        rows[c] = {"base": b, "other": o, "change": o - b, "cost_unit": cost_unit(c)}
    unit_cost = pd.DataFrame.from_dict(rows, orient="index", columns=["base", "other", "change", "cost_unit"])
    unit_cost.index.name = "commodity"
    total = {"base": base.total_cost, "other": other.total_cost, "change": other.total_cost - base.total_cost}
    cmp = Comparison(base, other, delivered, unserved, links, unit_cost, total, [])
    cmp.lines.extend(_lines(cmp))
    return _labelled(cmp)


def labels(base: FlowResult, other: FlowResult) -> tuple[str, str]:
    """Column labels for the two sides: the scenario names (``name (base)`` / ``name (other)`` if equal).

    Examples
    --------
    >>> import transcaspian as tc
    >>> net = tc.load_network("tests/fixtures/mini")
    >>> labels(tc.solve(net), tc.solve(net, tc.Scenario(name="cut", disable=["terminal"])))
    ('baseline', 'cut')
    """
    a, b = _name(base), _name(other)
    return (a, b) if a != b else (f"{a} (base)", f"{b} (other)")


def _labelled(cmp: Comparison) -> Comparison:
    """``cmp`` with its ``base``/``other`` columns and cost keys named after the scenarios."""
    a, b = labels(cmp.base, cmp.other)
    names = {"base": a, "other": b}
    return dataclasses.replace(
        cmp,
        delivered=cmp.delivered.rename(columns=names),
        unserved=cmp.unserved.rename(columns=names),
        links=cmp.links.rename(columns=names),
        unit_cost=cmp.unit_cost.rename(columns=names),
        total_cost={names.get(k, k): v for k, v in cmp.total_cost.items()},
    )


def _network_key(res: FlowResult) -> tuple[str, frozenset[str]]:
    """What identifies the network a result was solved on: its folder and its node ids."""
    net = res.network
    return (str(net.path) if net.path is not None else "", frozenset(net.nodes.index))


def _check_comparable(base: FlowResult, other: FlowResult) -> None:
    """Refuse two results that answer different questions (commodities, objective, rule, network)."""
    a, b = _name(base), _name(other)
    fix = "solve both with the same settings on the same network"
    for what, x, y in (
        ("commodities", ", ".join(base.commodities), ", ".join(other.commodities)),
        ("objective", base.objective, other.objective),
        ("allocation", base.meta.get("allocation", "cost"), other.meta.get("allocation", "cost")),
    ):
        if x != y:
            raise ComparisonError(f"cannot compare {a!r} ({what}: {x}) with {b!r} ({what}: {y}); {fix}")
    if _network_key(base) != _network_key(other):
        pa, pb = base.network.path or "in-memory frames", other.network.path or "in-memory frames"
        raise ComparisonError(
            f"cannot compare {a!r} (network {pa}, {len(base.network.nodes)} nodes) with {b!r} "
            f"(network {pb}, {len(other.network.nodes)} nodes): different networks; {fix}"
        )


def _gross(res: FlowResult) -> pd.DataFrame:
    f = pd.DataFrame(res.flows.drop(columns="geometry", errors="ignore")).reset_index()
    f["gross"] = f["forward"] + f["backward"]
    return f.set_index(["link", "commodity"])


def _link_changes(base: FlowResult, other: FlowResult) -> pd.DataFrame:
    b, o = _gross(base), _gross(other)
    idx = b.index.union(o.index, sort=False)
    df = pd.DataFrame({"base": b["gross"].reindex(idx).fillna(0.0), "other": o["gross"].reindex(idx).fillna(0.0)})
    df["change"] = df["other"] - df["base"]
    df = df[df["change"].abs() > TOL]
    ref = o.combine_first(b)
    df["name"] = ref["name"].reindex(df.index)
    df["unit"] = [CANONICAL_UNITS[c] for _, c in df.index]
    df["utilisation"] = o["utilisation"].reindex(df.index)
    sat = set(other.saturated.loc[other.saturated["kind"] == "link", "element"])
    df["saturated"] = [lid in sat for lid, _ in df.index]
    df["disabled"] = o["disabled"].reindex(df.index).fillna(False).astype(bool)
    df = df.reset_index()
    df["_abs"] = df["change"].abs()
    df = df.sort_values(["_abs", "link", "commodity"], ascending=[False, True, True], kind="stable").drop(columns="_abs")
    cols = ["link", "commodity", "name", "base", "other", "change", "unit", "utilisation", "saturated", "disabled"]
    return df[cols].reset_index(drop=True)


def _label(net: CorridorNetwork, eid: str) -> str:
    frame = net.nodes if eid in net.nodes.index else net.links
    name = str(frame.at[eid, "name"] or "").strip() if eid in frame.index else ""
    name = _shorten(name) if frame is net.nodes else _unbracket(name)
    return f"{name} ({eid})" if name and name != eid else eid


def _changes(base: FlowResult, other: FlowResult) -> list[str]:
    """Sentences for what the scenario switched off, derated or added."""
    bn, on = base.network, other.network
    out = []
    for frame_name in ("nodes", "links"):
        bf, of = getattr(bn, frame_name), getattr(on, frame_name)
        common = of.index.intersection(bf.index)
        off = [e for e in common if bool(of.at[e, "disabled"]) and not bool(bf.at[e, "disabled"])]
        if frame_name == "links":  # links off only because an end node is off go unmentioned
            off_nodes = {e for e in on.nodes.index if bool(on.nodes.at[e, "disabled"])}
            off = [e for e in off if of.at[e, "from_node"] not in off_nodes and of.at[e, "to_node"] not in off_nodes]
        if len(off) > 4:
            countries = sorted({str(on.nodes.at[e, "country"]) for e in off} if frame_name == "nodes" else set())
            where = f" (every node in {', '.join(countries)})" if countries else ""
            out.append(f"{len(off)} {frame_name} are disabled{where}.")
        else:
            for e in off:
                out.append(f"{_label(on, e)} is disabled.")
        solved = set(other.commodities)
        for e in common:
            if frame_name == "links" and not solved & set(of.at[e, "commodities"] or []):
                continue  # a derated gas line does not matter to a crude comparison
            d_b, d_o = float(bf.at[e, "derate"]), float(of.at[e, "derate"])
            if not bool(of.at[e, "disabled"]) and abs(d_o - d_b) > 1e-12:
                cap = of.at[e, "capacity"]
                unit = of.at[e, "unit"]
                what = f" ({fmt_number(cap * d_o)} {unit})" if isinstance(cap, float) and not math.isnan(cap) and unit else ""
                out.append(f"{_label(on, e)} runs at {d_o:.0%} of capacity{what}.")
        new = [e for e in of.index if e not in bf.index or (
            of.at[e, "status"] in ("operating", "disrupted") and bf.at[e, "status"] not in ("operating", "disrupted"))]
        for e in new[:4]:
            out.append(f"{_label(on, e)} is added.")
    lifted = _contract_labels(bn) - _contract_labels(on)
    if lifted:
        shown = ", ".join(sorted(lifted)[:4]) + (f" and {len(lifted) - 4} more" if len(lifted) > 4 else "")
        out.append(f"{len(lifted)} contract(s) of the base case are lifted ({shown}).")
    return out


def _contract_labels(net: CorridorNetwork) -> set[str]:
    """``link:commodity[@origin]`` of every contract in a network's baseline."""
    return {contract_label(c) for c in (net.baseline or {}).get("contracts") or []}


def _lines(cmp: Comparison) -> list[str]:
    base, other = cmp.base, cmp.other
    lines = _changes(base, other)
    moved = (cmp.delivered["change"] != 0).any() or (cmp.unserved["change"] != 0).any() or len(cmp.links)
    if not lines and not moved and abs(cmp.total_cost["change"]) <= 1e-6 * max(1.0, abs(cmp.total_cost["base"])):
        return ["Nothing changes: same deliveries, same flows, same cost."]
    for c in other.commodities:
        lines += _delivered_lines(cmp, c)
    lines += _link_lines(cmp)
    lines += _cost_lines(cmp)
    return lines


def _delivered_lines(cmp: Comparison, c: str) -> list[str]:
    """What is delivered and stranded of commodity ``c``, and deliveries by market."""
    base, other, net = cmp.base, cmp.other, cmp.other.network
    unit = CANONICAL_UNITS[c]
    lines = []
    b = base.total_delivered.get(c, 0.0)
    o = other.total_delivered.get(c, 0.0)
    if abs(o - b) > TOL:
        verb = "falls" if o < b else "rises"
        lines.append(f"Delivered {c} {verb} from {fmt_number(b)} to {fmt_number(o)} {unit} ({_signed(o - b)}).")
    un = other.unserved.loc[c] if c in other.unserved.index.get_level_values(0) else None
    if un is not None and un["unserved"].sum() > TOL:
        lines += _stranded_lines(cmp, c, un)
    elif base.total_unserved.get(c, 0.0) > TOL:
        lines.append(f"No {c} is stranded any more (was {fmt_number(base.total_unserved[c])} {unit}).")
    moved = cmp.delivered.loc[c] if c in cmp.delivered.index.get_level_values(0) else None
    if moved is not None:
        for m, r in moved[moved["change"].abs() > TOL].sort_values("change").iterrows():
            verb = "fall" if r["change"] < 0 else "rise"
            lines.append(f"Deliveries of {c} to {_short(net, m)} {verb} from {fmt_number(r['base'])} to {fmt_number(r['other'])} {unit}.")
    return lines


def _stranded_lines(cmp: Comparison, c: str, un: pd.DataFrame) -> list[str]:
    """Stranded volume of ``c`` by country of origin, against the base case."""
    base, net = cmp.base, cmp.other.network
    unit = CANONICAL_UNITS[c]
    lines = []
    stranded = un[un["unserved"] > TOL].copy()
    stranded["country"] = [str(net.nodes.at[o_, "country"]) for o_ in stranded.index]
    by_country = stranded.groupby("country")["unserved"].sum().sort_values(ascending=False)
    was_un = base.unserved.loc[c]["unserved"] if c in base.unserved.index.get_level_values(0) else pd.Series(dtype=float)
    for i, (country, total) in enumerate(by_country.items()):
        part = stranded[stranded["country"] == country].sort_values("unserved", ascending=False)
        # every origin of that country stranded in the base case, not only those still stranded
        was = float(sum(v for o_, v in was_un.items() if v > TOL and str(net.nodes.at[o_, "country"]) == country))
        if abs(total - was) <= TOL:
            since = ", as in the base case"
        elif was > TOL:
            since = f", {'up' if total > was else 'down'} from {fmt_number(was)}"
        else:
            since = ""
        parts = ", ".join(f"{_short(net, o_)} {fmt_number(v)}" for o_, v in part["unserved"].head(4).items())
        adj = DEMONYMS.get(country, country)
        lead = f"{fmt_number(total)} {unit} of {adj} {c} is stranded" if i == 0 else f"{fmt_number(total)} {unit} of {adj} {c} too"
        lines.append(f"{lead}{since} ({parts}).")
    return lines


def _link_lines(cmp: Comparison) -> list[str]:
    """The links that lost most flow (3) and gained most (4)."""
    other, net = cmp.other, cmp.other.network
    limits = {}
    if len(other.contracts):
        for r in other.contracts.itertuples():
            if math.isfinite(r.max_flow) and r.flow >= r.max_flow - TOL:
                limits[(r.link, r.commodity)] = r.max_flow
    moving = cmp.links[~cmp.links["disabled"] & ((cmp.links["other"] > TOL) | (cmp.links["base"] > TOL))]
    falls = moving[moving["change"] < 0].head(3)
    rises = moving[moving["change"] > 0].head(4)
    lines = []
    for _, r in pd.concat([falls, rises]).iterrows():
        name = _short_link(net, r["link"])
        unit = r["unit"]
        if r["saturated"]:
            note = " (saturated)"
        elif (r["link"], r["commodity"]) in limits:
            note = " (its contract limit)"
        else:
            note = ""
        if r["base"] <= TOL:
            lines.append(f"{name} now carries {fmt_number(r['other'])} {unit} of {r['commodity']}{note}.")
        elif r["other"] <= TOL:
            lines.append(f"{name} stops carrying {r['commodity']} (was {fmt_number(r['base'])} {unit}).")
        else:
            verb = "rises" if r["change"] > 0 else "falls"
            lines.append(f"{name} {verb} from {fmt_number(r['base'])} to {fmt_number(r['other'])} {unit}{note}.")
    return lines


def _cost_lines(cmp: Comparison) -> list[str]:
    lines = []
    for c, r in cmp.unit_cost.iterrows():
        if not (math.isnan(r["base"]) or math.isnan(r["other"])) and abs(r["change"]) > 1e-9:
            verb = "rises" if r["change"] > 0 else "falls"
            lines.append(
                f"Transport cost of delivered {c} {verb} from {fmt_number(r['base'])} to {fmt_number(r['other'])} "
                f"{r['cost_unit']} ({_signed(r['change'])})."
            )
    return lines


def _unbracket(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def _shorten(name: str) -> str:
    """'Tengiz field (Tengizchevroil), CPC Tengiz pump station' -> 'Tengiz field'."""
    return _unbracket(name).split(", ")[0].strip()


def _short(net: CorridorNetwork, nid: str) -> str:
    name = str(net.nodes.at[nid, "name"] or "") if nid in net.nodes.index else ""
    return _shorten(name) or nid


def _short_link(net: CorridorNetwork, lid: str) -> str:
    name = str(net.links.at[lid, "name"] or "") if lid in net.links.index else ""
    return _unbracket(name) or lid
