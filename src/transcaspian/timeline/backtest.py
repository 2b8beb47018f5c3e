"""The winter of 2025-26 simulated and set beside the public record, month by month.

:func:`winter_backtest` runs ``examples/scenarios/winter_2025_26.yaml`` (or any scenario)
and compares the months it simulates with the reported figures of
``geodata/record_2025_26.yaml``: CPC loadings, the fields' output, the flows on the
alternative routes. The record is never an input of the model; docs/backtest.md shows the
table and says what the model gets wrong and why.

Examples
--------
>>> import transcaspian as tc
>>> table = winter_backtest(tc.load_network())
>>> dec = table.set_index(["series", "month"]).loc[("cpc_loadings", "2025-12")]
>>> round(float(dec["reported"]), 2), bool(abs(dec["deviation"]) < 0.15)
(3.98, True)
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import NetworkDataError, ScenarioError
from ..examples import example_path
from ..io import read_yaml
from ..terminals import bbl_per_tonne
from .run import simulate

if TYPE_CHECKING:
    from ..network import CorridorNetwork
    from ..scenario import Scenario
    from .result import SimulationResult

__all__ = ["winter_backtest", "load_record", "record_path", "model_series"]

log = logging.getLogger(__name__)

#: The columns of :func:`winter_backtest`.
COLUMNS = ["series", "label", "month", "model", "reported", "reported_as", "deviation", "sources", "note"]
#: Barrel rate units of the record, as barrels per day.
_BARRELS = {"Mb/d": 1e6, "kb/d": 1e3, "b/d": 1.0}


def record_path(net: CorridorNetwork) -> Path:
    """``record_2025_26.yaml`` in the network's folder.

    Raises
    ------
    NetworkDataError
        When the network has no folder or the folder no record.
    """
    if net.path is None or not (Path(net.path) / "record_2025_26.yaml").exists():
        raise NetworkDataError(f"{net.path}: no record_2025_26.yaml (fix: use the bundled network, or pass record=)")
    return Path(net.path) / "record_2025_26.yaml"


def load_record(net: CorridorNetwork, record: str | Path | Mapping[str, Any] | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """The record's series definitions and its figures in Mt (``reported``), with what each was.

    Raises
    ------
    NetworkDataError
        For a figure of an unknown series, a month that is not ``YYYY-MM``, a unit that is
        neither Mt nor barrels per day, or a series element that is not in the network.
    """
    where = "record" if isinstance(record, Mapping) else str(record or record_path(net))
    data = record if isinstance(record, Mapping) else read_yaml(Path(record) if record else record_path(net))
    series = dict(data.get("series") or {})
    problems = []
    for name, spec in series.items():
        for eid in spec.get("elements") or []:
            if eid not in net.nodes.index and eid not in net.links.index:
                problems.append(f"{where}: series {name}: element {eid!r} is not in the network (fix: a node or link id)")
        if spec.get("measure") not in ("throughput", "produced", "flow"):
            problems.append(f"{where}: series {name}: measure {spec.get('measure')!r} (fix: throughput, produced or flow)")
    rows = []
    for i, f in enumerate(data.get("figures") or []):
        name, month, unit = f.get("series"), str(f.get("month")), f.get("unit")
        if name not in series:
            problems.append(f"{where}: figures[{i}]: unknown series {name!r} (fix: one of {', '.join(series)})")
            continue
        try:
            year, mon = int(month[:4]), int(month[5:7])
            days = calendar.monthrange(year, mon)[1]
        except (ValueError, calendar.IllegalMonthError):
            problems.append(f"{where}: figures[{i}].month: {month!r} is not a month (fix: write YYYY-MM)")
            continue
        value = f.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{where}: figures[{i}].value: {value!r} is not a number (fix: the reported figure in its unit)")
            continue
        value = float(value)
        if unit == "Mt":
            mt = value
        elif unit in _BARRELS:
            bpt = bbl_per_tonne(series[name].get("grade"), net.parameters or {})
            if bpt is None:
                problems.append(f"{where}: series {name}: grade {series[name].get('grade')!r} has no bbl_per_tonne "
                                "in parameters.yaml (fix: name a grade there)")
                continue
            mt = value * _BARRELS[unit] * days / bpt / 1e6
        else:
            problems.append(f"{where}: figures[{i}].unit: {unit!r} (fix: Mt, Mb/d, kb/d or b/d)")
            continue
        rows.append({"series": name, "label": series[name].get("label", name), "month": month, "reported": mt,
                     "reported_as": f"{value:g} {unit}", "sources": ", ".join(f.get("sources") or []),
                     "note": f.get("note", "")})
    if problems:
        raise NetworkDataError("\n".join(problems))
    return series, pd.DataFrame(rows)


def model_series(result: SimulationResult, spec: Mapping[str, Any]) -> pd.Series:
    """The simulated quantity of one record series by month (Mt), summed over the periods of each month.

    Periods must lie within calendar months (monthly or daily steps).
    """
    measure, elements = spec["measure"], list(spec.get("elements") or [])
    if measure == "produced":
        df = result.production[result.production["origin"].isin(elements)].rename(columns={"produced": "value"})
    elif measure == "throughput":
        df = result.throughput[result.throughput["node"].isin(elements)].rename(columns={"throughput": "value"})
    else:
        links = result.flows[result.flows["link"].isin(elements)].rename(columns={"flow": "value"})
        nodes = result.throughput[result.throughput["node"].isin(elements)].rename(columns={"throughput": "value"})
        df = pd.concat([links[["period", "value"]], nodes[["period", "value"]]])
    months = df["period"].astype(str).str[:7]
    return df.groupby(months)["value"].sum()


def _whole_months(result: SimulationResult) -> set[str]:
    """The calendar months (``YYYY-MM``) every day of which lies in the result's horizon."""
    days: dict[str, int] = {}
    for start, n in zip(result.periods["start"], result.periods["days"], strict=True):
        for d in pd.date_range(start, periods=int(n), freq="D"):
            days[f"{d:%Y-%m}"] = days.get(f"{d:%Y-%m}", 0) + 1
    return {m for m, n in days.items() if n == calendar.monthrange(int(m[:4]), int(m[5:7]))[1]}


def winter_backtest(
    net: CorridorNetwork,
    scenario: Scenario | str | Path | None = None,
    *,
    step: str = "month",
    record: str | Path | Mapping[str, Any] | None = None,
    time_data: Any = None,
    result: SimulationResult | None = None,
) -> pd.DataFrame:
    """The simulated months beside the reported figures: one row per reported figure.

    Parameters
    ----------
    net : CorridorNetwork
        Loaded without ``as_of`` (the simulation applies the events day by day).
    scenario : Scenario, str or Path, optional
        Default: the bundled ``winter_2025_26`` example (October 2025 - February 2026).
    step : {"month", "day"}, default "month"
        Daily steps are summed into months.
    record : str, Path or mapping, optional
        Default: ``record_2025_26.yaml`` next to the network data.
    time_data : optional
        Passed to :func:`transcaspian.simulate` (e.g. another mooring rate, for a sensitivity).
    result : SimulationResult, optional
        An existing simulation to compare instead of running one.

    Returns
    -------
    pandas.DataFrame
        ``series, label, month, model, reported, reported_as, deviation, sources, note``:
        volumes in Mt, ``deviation`` = model / reported - 1; months the horizon does not
        cover, or covers only in part, have no row.

    Raises
    ------
    ScenarioError
        For a weekly or yearly ``step``, or ``result`` (periods that cross months).
    """
    if step not in ("month", "day"):
        raise ScenarioError(f"winter_backtest: step {step!r} (fix: 'month' or 'day'; weeks cross months)")
    series, figures = load_record(net, record)
    if result is None:
        sc = scenario if scenario is not None else example_path("winter_2025_26")
        result = simulate(net, sc, step=step, time_data=time_data)
    elif result.step not in ("month", "day"):
        raise ScenarioError(f"winter_backtest: the result has {result.step} steps, which cross months "
                            "(fix: simulate with step='month' or 'day')")
    simulated = {name: model_series(result, spec) for name, spec in series.items()}
    whole = _whole_months(result)
    rows = []
    for f in figures.to_dict("records"):
        got = simulated[f["series"]]
        if f["month"] not in got.index or f["month"] not in whole:
            continue  # a month the horizon covers in part: its model volume is part of a month
        model = float(got[f["month"]])
        rows.append({**f, "model": model, "deviation": model / f["reported"] - 1.0 if f["reported"] else float("nan")})
    return pd.DataFrame(rows, columns=COLUMNS)
