"""Monte Carlo ensembles over the time model: how bad can a season of random disruptions get?

Each draw samples outage windows from the hazards (:mod:`transcaspian.hazards`: the
sourced CPC history of ``geodata/hazards.yaml`` and any the caller adds) and puts them
on top of the scenario's own. By default every task keeps one highspy model of the
horizon (:mod:`transcaspian.timeline.fast`) and changes the struck elements'
capacities per draw; ``engine="simulate"`` runs :func:`transcaspian.simulate` for each
draw instead (the same numbers, 15-30 times slower). The result is the
distribution of lost exports, deferred output and cost over the horizon (mean,
P10/P50/P90) and how often each hazard is part of the worst decile.

Draw ``i`` uses the random stream ``numpy.random.default_rng([seed, i])``: the same seed
gives the same draws whichever executor ran them and however many workers.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network("tests/fixtures/mini")
>>> hz = [{"id": "storm", "element": "terminal", "effect": {"off": True}, "per_month": 0.5, "durations_days": [5, 10]}]
>>> ens = tc.ensemble(net, None, draws=6, seed=3, start="2025-11", end="2026-01", hazards=hz, history=False)
>>> ens.summary.loc["lost", ["p10", "p50", "p90"]].round(3).tolist()
[0.493, 0.781, 1.027]
>>> ens == tc.ensemble(net, None, draws=6, seed=3, start="2025-11", end="2026-01", hazards=hz, history=False)
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError, ScenarioError
from .executors import run_tasks
from .hazards import Hazard, hazard_from_mapping, load_hazards, sample_windows
from .network import CorridorNetwork
from .scenario import Scenario

__all__ = ["ensemble", "EnsembleResult", "QUANTILES"]

log = logging.getLogger(__name__)

#: The quantiles reported, as (column, percent).
QUANTILES = (("p10", 10), ("p50", 50), ("p90", 90))
#: Per-draw measures, each a total over the horizon (the commodity's canonical unit; cost in USD).
MEASURES = ("lost", "deferred", "stranded", "cost_change")


@dataclasses.dataclass
class EnsembleResult:
    """What :func:`ensemble` returns.

    Attributes
    ----------
    draws : DataFrame
        One row per draw: ``draw``, the :data:`MEASURES`, ``delivered``, ``windows``
        (how many outage windows the draw had), ``hazards`` (their ids, ``;``-joined),
        ``days_out`` (the window-days within the horizon).
        Empty when the rows were streamed to Parquet (``out=``), except the measures.
    summary : DataFrame
        Index the measures; ``mean``, ``p10``, ``p50``, ``p90``.
    worst_decile : DataFrame
        Index hazard id: ``element``, ``share_all`` (share of draws it struck),
        ``share_worst`` (share of the worst decile by ``lost`` it struck) and ``lift``.
    meta : dict
        Seed, draws, horizon, executor, workers, seconds, the base totals and sources.
    """

    draws: pd.DataFrame
    summary: pd.DataFrame
    worst_decile: pd.DataFrame
    meta: dict[str, Any]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EnsembleResult):
            return NotImplemented
        return bool(self.draws.equals(other.draws) and self.summary.equals(other.summary))

    __hash__ = None  # type: ignore[assignment]


@dataclasses.dataclass(frozen=True)
class _Job:
    """The draws one task runs (pickled to a worker)."""

    net: CorridorNetwork
    scenario: Scenario | None
    hazards: tuple[Hazard, ...]
    seed: int
    draws: tuple[int, ...]
    start: dt.date
    end: dt.date
    step: str
    commodity: str
    method: str
    base: Mapping[str, float]
    engine: str = "fast"
    #: Names this ensemble call: a worker process keeps the call's model between its jobs.
    token: str = ""


#: The last model built in this process: (token, FastHorizon).
_CACHE: list[tuple[str, Any]] = []


def _fast_horizon(job: _Job) -> Any:
    """The job's :class:`~transcaspian.timeline.fast.FastHorizon`, built once per call and process."""
    from .timeline.fast import FastHorizon  # noqa: PLC0415

    if job.token and _CACHE and _CACHE[0][0] == job.token:
        return _CACHE[0][1]
    fast = FastHorizon(job.net, job.scenario, start=job.start, end=job.end, step=job.step, commodity=job.commodity)
    _CACHE[:] = [(job.token, fast)] if job.token else []
    return fast


def _run_job(job: _Job) -> list[dict[str, Any]]:
    """Run the job's draws (module level: workers import it).

    ``engine="fast"``: one highspy model of the horizon for the whole job
    (:class:`~transcaspian.timeline.fast.FastHorizon`), capacities changed per draw; a
    draw it cannot express runs :func:`transcaspian.simulate`, as every draw does with
    ``engine="simulate"``.
    """
    from .timeline.result import NOISE_RTOL  # noqa: PLC0415
    from .timeline.run import simulate  # noqa: PLC0415 (heavy: loaded in the worker on use)

    fast = None
    base = dict(job.base)
    if job.engine == "fast":
        fast = _fast_horizon(job)
        base = fast.totals(()) or base
    rows = []
    base_outages = tuple(getattr(job.scenario, "outages", ()) or ())
    for i in job.draws:
        rng = np.random.default_rng([job.seed, i])
        windows = sample_windows(job.hazards, job.start, job.end, rng)
        outages = tuple({k: v for k, v in w.items() if k != "hazard"} for w in windows)
        tot: Mapping[str, Any] | None = None
        ref: Mapping[str, float] = base
        if fast is not None:
            try:
                tot = fast.totals(outages)
            except ValueError:
                tot = None
        if tot is None:
            scen = dataclasses.replace(job.scenario, outages=base_outages + outages) if job.scenario is not None else \
                Scenario(name=f"draw {i}", outages=outages)
            tot = simulate(job.net, scen, start=job.start, end=job.end, step=job.step, commodity=job.commodity,
                           method=job.method).totals[job.commodity]
            ref = job.base
        scale = max(abs(float(ref["delivered"])), 1.0)
        lost = float(ref["delivered"]) - float(tot["delivered"])
        rows.append({
            "draw": i,
            "lost": 0.0 if abs(lost) <= NOISE_RTOL * scale else lost,  # solver noise is not a loss
            "deferred": float(tot["deferred"]),
            "stranded": float(tot["stranded"]),
            "cost_change": float(tot["cost_usd"]) - float(ref["cost_usd"]),
            "delivered": float(tot["delivered"]),
            "windows": len(windows),
            "hazards": ";".join(sorted({str(w["hazard"]) for w in windows})),
            # days of the horizon struck (a window may run on past its end)
            "days_out": int(sum((min(w["to"], job.end + dt.timedelta(days=1)) - w["from"]).days for w in windows)),
        })
    return rows


def ensemble(
    net: CorridorNetwork,
    scenario: Scenario | str | Path | None = None,
    *,
    draws: int,
    seed: int,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    step: str | None = None,
    commodity: str | None = None,
    hazards: Iterable[Hazard | Mapping[str, Any]] = (),
    history: bool = True,
    workers: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    chunk: int | None = None,
    out: str | Path | None = None,
    method: str = "penalty",
    engine: str = "fast",
    progress: Callable[[int, int], None] | None = None,
) -> EnsembleResult:
    """Run ``draws`` random seasons of disruptions over the scenario's horizon.

    Parameters
    ----------
    net : CorridorNetwork
        Loaded without ``as_of`` (the time model applies events day by day).
    scenario : Scenario, str or Path, optional
        Its static changes and outage windows hold in every draw; its ``start``,
        ``end`` and ``step`` are the defaults of the arguments below.
    draws, seed : int
        How many draws, and the seed (draw ``i`` uses ``default_rng([seed, i])``).
    start, end, step :
        The horizon, as in :func:`transcaspian.simulate` (``step`` default "month").
    commodity : str, optional
        One commodity (default: the scenario's, if it names one, else ``"crude"``).
    hazards : iterable of Hazard or mapping, optional
        More hazards (``{id, element, effect, per_month, months, durations_days}``, the
        form of ``geodata/hazards.yaml``) for elements without a sourced history.
    history : bool, default True
        Include the sourced hazards of ``hazards.yaml`` next to the network data (those
        whose element the network has).
    workers : int, default 1
        Local processes (or Dask workers of the ``LocalCluster``).
    executor : {"process", "dask"}
    scheduler : str, optional
        A Dask scheduler address; none: a ``LocalCluster`` is started.
    chunk : int, optional
        Draws per task (default: enough for about four tasks per worker).
    out : str or Path, optional
        Stream the per-draw rows to this Parquet file (written atomically) instead of
        keeping them: ``draws`` of the result then has the measures only.
    method : {"penalty", "lexicographic", "auto"}
        The time model's solve method (:func:`transcaspian.simulate`), for
        ``engine="simulate"`` and the draws the fast engine hands back.
    engine : {"fast", "simulate"}
        ``"fast"``: one highspy model of the horizon per task, the struck elements'
        capacities changed per draw and re-solved warm (the penalty form; the tests
        check it against ``simulate``). ``"simulate"``: :func:`transcaspian.simulate`
        for every draw. A scenario with ``allocation: pro_rata`` or an ``objective``
        other than cost runs every draw by ``simulate`` (the fast model is cost-first;
        ``meta["engine_note"]`` says why).
    progress : callable, optional
        ``progress(done, total)`` after each task.

    Returns
    -------
    EnsembleResult

    Raises
    ------
    ScenarioError
        No horizon, or a hazard entry is malformed.
    InputError
        ``draws`` not a whole number >= 1, ``commodity`` not one commodity name,
        an unknown engine or executor.
    """
    from .timeline.run import simulate  # noqa: PLC0415 (the time model: heavy, loaded on use)

    t0 = dt.datetime.now()
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise InputError(f"ensemble: draws must be a whole number >= 1, not {draws!r} (fix: e.g. draws=1000)")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"ensemble: seed must be a whole number >= 0, not {seed!r} (fix: e.g. seed=1)")
    if isinstance(scenario, str | Path):
        scenario = Scenario.from_yaml(scenario)
    commodity = _one_commodity(commodity, scenario)
    engine, engine_note = _choose_engine(engine, scenario)
    if engine == "fast":
        method = "penalty"  # the fast model is the penalty form: fallbacks solve the same LP
    start = start if start is not None else getattr(scenario, "start", None)
    end = end if end is not None else getattr(scenario, "end", None)
    step = step or getattr(scenario, "step", None) or "month"
    base = simulate(net, scenario, start=start, end=end, step=step, commodity=commodity, method=method)
    start_d = pd.Timestamp(base.periods["start"].iloc[0]).date()
    end_d = pd.Timestamp(base.periods["end"].iloc[-1]).date()
    hz = []
    for h in load_hazards(_hazard_file(net)) if history else []:
        try:  # the sourced history is the real corridor's: elements another network lacks are left out
            net.resolve(h.element)
        except KeyError:
            log.info("hazard %s: no element %s in this network; left out", h.id, h.element)
            continue
        hz.append(h)
    hz += [h if isinstance(h, Hazard) else hazard_from_mapping(h, where="ensemble hazards=") for h in hazards]
    _check_hazards(net, hz)
    size = chunk or max(1, min(250, -(-draws // (4 * max(workers, 1)))))
    token = uuid.uuid4().hex
    if commodity not in base.totals:
        have = ", ".join(c for c, v in ((net.baseline or {}).get("supplies") or {}).items() if v) or "none"
        raise InputError(f"ensemble: no supply of {commodity} in the baseline or the scenario: nothing flows, so no "
                         f"draw can lose any (fix: a commodity with supplies ({have}), or add supplies.{commodity} "
                         "to baseline.yaml or the scenario)")
    base_tot = {k: float(v) for k, v in base.totals[commodity].items() if k != "unit"}
    jobs = [
        _Job(net, scenario, tuple(hz), int(seed), tuple(range(a, min(a + size, draws))), start_d, end_d, step, commodity,
             method, base_tot, engine, token)
        for a in range(0, draws, size)
    ]
    keep: list[pd.DataFrame] = []
    writer = _ParquetStream(Path(out)) if out is not None else None
    try:
        for j, rows in enumerate(run_tasks(_run_job, jobs, workers=workers, executor=executor, scheduler=scheduler)):
            df = pd.DataFrame(rows)
            if writer is not None:
                writer.write(df)
                df = df[["draw", *MEASURES, "hazards"]]
            keep.append(df)
            if progress is not None:
                progress(j + 1, len(jobs))
        if writer is not None:
            writer.close()
    finally:
        if writer is not None:
            writer.abort()
    table = pd.concat(keep, ignore_index=True)
    summary = _summary(table)
    worst = _worst_decile(table, hz)
    meta = {
        "seed": seed, "draws": draws, "start": str(start_d), "end": str(end_d), "step": step, "executor": executor,
        "workers": workers, "chunk": size, "method": method, "engine": engine, "engine_note": engine_note,
        "base": base_tot, "unit": base.totals[commodity].get("unit"),
        "hazards": [h.id for h in hz], "sources": sorted({s for h in hz for s in h.sources}),
        "seconds": (dt.datetime.now() - t0).total_seconds(), "out": str(out) if out is not None else None,
    }
    draws_table = table if writer is None else table[["draw", *MEASURES]]
    return EnsembleResult(draws_table, summary, worst, meta)


def _one_commodity(commodity: Any, scenario: Scenario | None) -> str:
    """The one commodity of the ensemble: the argument, else the scenario's (a list of one counts), else crude.

    Raises
    ------
    InputError
        Not one commodity name (``"all"``, a list of several), with the fix.
    """
    if commodity is None:
        commodity = getattr(scenario, "commodity", None) or "crude"
        if isinstance(commodity, list | tuple) and len(commodity) == 1:
            commodity = commodity[0]
    if not isinstance(commodity, str) or commodity == "all":
        raise InputError(f"ensemble: commodity must name one commodity, not {commodity!r}: its measures are totals "
                         "in that commodity's unit (fix: one ensemble per commodity, e.g. commodity='crude')")
    return commodity


def _choose_engine(engine: str, scenario: Scenario | None) -> tuple[str, str | None]:
    """The engine that runs the draws, and why it is not the one asked for (None: it is).

    :class:`~transcaspian.timeline.fast.FastHorizon` is the cost-first penalty form: with a
    scenario's ``allocation: pro_rata`` or another ``objective`` its deferred, stranded and
    cost figures would not be the scenario's, so every draw runs :func:`simulate` instead.

    Raises
    ------
    InputError
        An unknown engine.
    """
    if engine not in ("fast", "simulate"):
        raise InputError(f"ensemble: engine must be 'fast' or 'simulate', not {engine!r}")
    if engine != "fast":
        return engine, None
    allocation = getattr(scenario, "allocation", None) or "cost"
    objective = getattr(scenario, "objective", None) or "cost"
    note = None
    if allocation != "cost":
        note = f"the scenario's allocation {allocation!r} is not in the fast engine (cost allocation only)"
    elif objective != "cost":
        note = f"the scenario's objective {objective!r} is not in the fast engine (cost objective only)"
    if note is None:
        return engine, None
    log.warning("ensemble: %s; every draw runs simulate (engine='simulate')", note)
    return "simulate", note


def _check_hazards(net: CorridorNetwork, hazards: Sequence[Hazard]) -> None:
    """Every hazard's element exists, and one that takes moorings out strikes a node with moorings.

    Raises
    ------
    UnknownElementError
        An unknown element, with close matches.
    ScenarioError
        ``moorings_out`` on an element without moorings in time.yaml (its draws would lose nothing).
    """
    from .timeline.timedata import load_time_data  # noqa: PLC0415 (the time model: heavy, loaded on use)

    moorings = None
    for h in hazards:
        eid = net.resolve(h.element)  # an unknown element fails here, with close matches
        if dict(h.effect).get("moorings_out") is None:
            continue
        moorings = load_time_data(net, None).moorings if moorings is None else moorings
        if eid not in moorings:
            raise ScenarioError(f"ensemble: hazard {h.id!r}: effect moorings_out on {eid}, which has no moorings in "
                                "time.yaml: its windows would restrict nothing (fix: effect off: true or derate: f, or "
                                f"add {eid} to the moorings of time.yaml)")


def _hazard_file(net: CorridorNetwork) -> Path | None:
    """hazards.yaml next to the network's files, else the packaged one."""
    if net.path is not None and (Path(net.path) / "hazards.yaml").exists():
        return Path(net.path) / "hazards.yaml"
    return None


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    rows = {}
    for m in MEASURES:
        v = table[m].to_numpy(dtype=float)
        rows[m] = {"mean": float(v.mean()), **{k: float(np.percentile(v, q)) for k, q in QUANTILES}}
    return pd.DataFrame.from_dict(rows, orient="index")[["mean", *(k for k, _ in QUANTILES)]]


def _worst_decile(table: pd.DataFrame, hazards: Sequence[Hazard]) -> pd.DataFrame:
    """Per hazard: share of all draws and of the worst decile (by lost volume, ties by draw) it struck."""
    n_worst = max(1, int(np.ceil(len(table) / 10)))
    order = table.sort_values(["lost", "draw"], ascending=[False, True], kind="stable")
    worst = order.head(n_worst)
    rows = []
    for h in hazards:
        hit_all = table["hazards"].str.split(";").map(lambda xs, h=h: h.id in xs)
        hit_worst = worst["hazards"].str.split(";").map(lambda xs, h=h: h.id in xs)
        a, w = float(hit_all.mean()), float(hit_worst.mean())
        rows.append({"hazard": h.id, "element": h.element, "share_all": a, "share_worst": w,
                     "lift": w / a if a > 0 else float("nan")})
    cols = ["element", "share_all", "share_worst", "lift"]
    return pd.DataFrame(rows).set_index("hazard") if rows else pd.DataFrame(columns=cols).rename_axis("hazard")


class _ParquetStream:
    """Row groups appended to a temporary file next to ``path``, renamed onto it by :meth:`close`."""

    def __init__(self, path: Path) -> None:
        import pyarrow  # noqa: F401, PLC0415 (optional extra: fail early with a clear message)

        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        self.tmp = Path(tmp)
        self.writer: Any = None
        self.done = False

    def write(self, df: pd.DataFrame) -> None:
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.parquet as pq  # noqa: PLC0415

        tbl = pa.Table.from_pandas(df, preserve_index=False)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, tbl.schema)
        self.writer.write_table(tbl)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)
        self.done = True

    def abort(self) -> None:
        if not self.done:
            if self.writer is not None:
                self.writer.close()
            self.tmp.unlink(missing_ok=True)
