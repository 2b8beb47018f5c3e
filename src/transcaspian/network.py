"""The corridor network: nodes and links as GeoDataFrames, with lookup by id or alias.

Only the :class:`CorridorNetwork` data type lives here; reading a geodata folder is
:func:`transcaspian.loader.load_network`'s job.

Examples
--------
>>> import transcaspian as tc
>>> net = tc.load_network()
>>> net.node("Kachagan").name
'kashagan'
>>> G = net.graph()
>>> G.graph["crs"]
'EPSG:4326'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from . import __version__
from .aliases import build_alias_index, normalize_key
from .elements import effective_capacity
from .errors import InputError, UnknownElementError
from .interop.columns import network_frames
from .interop.writers import write_network
from .schema import COMMODITIES, OPERATING_STATUSES

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["CorridorNetwork", "CRS"]

log = logging.getLogger(__name__)

#: Coordinate reference system of every geometry (lon, lat in degrees).
CRS = "EPSG:4326"


class _NameIndex:
    """The alias index of a network (built on first use), shared by its knock-outs."""

    __slots__ = ("index",)

    def __init__(self) -> None:
        self.index: dict[str, tuple[str, str]] | None = None


@dataclasses.dataclass(frozen=True, eq=False)
class CorridorNetwork:
    """The curated corridor network.

    Plain data: two GeoDataFrames indexed by id, the source register and the baseline.
    Never mutated in place: scenarios return a new network (see :meth:`replace`).

    Attributes
    ----------
    nodes : geopandas.GeoDataFrame
        One row per node, index ``id``; columns per docs/data_dictionary.md plus
        ``disabled`` (bool) and ``derate`` (capacity factor, 1.0 = full).
    links : geopandas.GeoDataFrame
        One row per link, index ``id``; same extra columns.
    sources : dict
        Source id to its register entry (title, outlet, date, url, claims).
    baseline : dict
        Supplies, markets and contracts of the base year.
    parameters : dict
        Emission factors and conversion parameters.
    events : list of dict
        Dated events (see :func:`load_network` ``as_of``).
    path : pathlib.Path or None
        Folder the data came from.
    as_of : datetime.date or None
        Date up to which events were applied.
    applied : tuple of str
        Ids of the events and scenarios applied, oldest first.
    """

    nodes: gpd.GeoDataFrame
    links: gpd.GeoDataFrame
    sources: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    baseline: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    parameters: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    events: tuple[Mapping[str, Any], ...] = ()
    path: Path | None = None
    as_of: dt.date | None = None
    applied: tuple[str, ...] = ()

    @functools.cached_property
    def _names(self) -> _NameIndex:
        # shared with the networks made from this one that keep its ids, names and
        # aliases (a scenario's knock-out: see :meth:`replace`)
        return _NameIndex()

    @property
    def _alias_index(self) -> dict[str, tuple[str, str]]:
        # built on the first lookup by name or alias (an id needs none): a network of
        # 16,000 links read from lines is ready at once
        holder = self._names
        if holder.index is None:
            holder.index = build_alias_index(self.nodes, self.links)
        return holder.index

    # ------------------------------------------------------------------ lookup
    def resolve(self, key: str, *, kind: str = "any") -> str:
        """Id of the node or link named by ``key`` (an id or alias, any case or accent).

        Parameters
        ----------
        key : str
        kind : {"any", "node", "link"}

        Raises
        ------
        UnknownElementError
            With close matches listed.

        Examples
        --------
        >>> import transcaspian as tc
        >>> tc.load_network().resolve("Новороссийск")
        'novorossiysk_cpc_terminal'
        """
        if kind not in ("any", "node", "link"):
            raise InputError(f"kind must be 'any', 'node' or 'link', not {kind!r}")
        if kind in ("any", "node") and key in self.nodes.index:
            return key
        if kind in ("any", "link") and key in self.links.index:
            return key
        index = self._alias_index
        hit = index.get(normalize_key(key))
        if hit is not None and kind in ("any", hit[0]):
            return hit[1]
        raise UnknownElementError(self._unknown_message(key, kind))

    def _unknown_message(self, key: str, kind: str) -> str:
        index = self._alias_index
        names = [k for k, (t, _) in index.items() if kind in ("any", t)]
        close = difflib.get_close_matches(normalize_key(key), names, n=5, cutoff=0.6)
        ids = list(dict.fromkeys(index[c][1] for c in close))
        what = {"any": "node or link", "node": "node", "link": "link"}[kind]
        hint = f"; did you mean {', '.join(ids)}?" if ids else "; list ids with `transcaspian validate --list`"
        src = f" in {self.path}" if self.path else ""
        return f"no {what} named {key!r}{src}{hint}"

    def node(self, key: str) -> pd.Series:
        """The node row named by an id or alias (``Series.name`` is the id)."""
        return self.nodes.loc[self.resolve(key, kind="node")]

    def link(self, key: str) -> pd.Series:
        """The link row named by an id or alias (``Series.name`` is the id)."""
        return self.links.loc[self.resolve(key, kind="link")]

    # ------------------------------------------------------------- derived data
    @property
    def commodities(self) -> list[str]:
        """Commodities carried by at least one link, in canonical order."""
        seen = {c for cs in self.links["commodities"] for c in cs}
        return [c for c in COMMODITIES if c in seen]

    def effective_capacity(self, element: str) -> float:
        """Capacity after derating; 0 if disabled, ``inf`` if uncapacitated."""
        key = self.resolve(element)
        frame = self.nodes if key in self.nodes.index else self.links
        return effective_capacity(frame.loc[key])

    def graph(self, commodity: str | None = None) -> nx.MultiDiGraph:
        """The network as a networkx MultiDiGraph.

        Without ``commodity``: every attribute of every row. Nodes carry their row
        (``geometry`` as a shapely Point, plus ``x``/``y``); each link is an edge keyed
        by its id; a bidirectional link also appears as the reverse edge with
        ``reverse=True``. ``G.graph`` holds ``crs``, ``created_date``,
        ``created_with``, ``as_of`` and ``applied``.

        With ``commodity``: only the links usable for it, with plain numbers
        (``cost``, ``time_days``, ``length_km``, ``capacity``) and text, so networkx
        algorithms (``weight="cost"``) and GraphML, GEXF and node-link JSON work
        (:func:`transcaspian.interop.graph.commodity_graph`).

        Examples
        --------
        >>> import transcaspian as tc
        >>> G = tc.load_network().graph()
        >>> G.has_edge("atyrau", "samara")
        True
        >>> H = tc.load_network().graph(commodity="crude")
        >>> isinstance(H.edges["atyrau", "samara", "atyrau_samara"]["cost"], float)
        True
        """
        import networkx as nx  # noqa: PLC0415 (slow to import; `solve` never needs it)

        from .interop.graph import commodity_graph  # noqa: PLC0415

        if commodity is not None:
            return commodity_graph(self, commodity, meta=self._graph_meta())
        G = nx.MultiDiGraph(**self._graph_meta())
        for nid, row in self.nodes.iterrows():
            attrs = row.to_dict()
            attrs["x"], attrs["y"] = row.geometry.x, row.geometry.y
            G.add_node(nid, **attrs)
        for lid, row in self.links.iterrows():
            attrs = row.to_dict()
            G.add_edge(row["from_node"], row["to_node"], key=lid, reverse=False, **attrs)
            if bool(row["bidirectional"]):
                G.add_edge(row["to_node"], row["from_node"], key=lid, reverse=True, **attrs)
        return G

    def _graph_meta(self) -> dict[str, Any]:
        return {
            "crs": CRS,
            "created_date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "created_with": f"transcaspian {__version__}",
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "applied": list(self.applied),
        }

    # ------------------------------------------------------------------ export
    def to_frames(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        """Copies of the node and link frames; :func:`transcaspian.network_from_frames` rebuilds the network.

        See :func:`transcaspian.interop.columns.network_frames`.
        """
        return network_frames(self)

    def to_file(self, path: str | Path) -> Path:
        """Write the network to ``.gpkg``, ``.parquet`` or a GeoJSON folder; :func:`transcaspian.read_network` reads it back.

        See :func:`transcaspian.interop.writers.write_network`.
        """
        return write_network(self, path)

    def summary(self) -> pd.DataFrame:
        """Links, length and capacity by mode and commodity.

        Examples
        --------
        >>> import transcaspian as tc
        >>> "pipeline" in tc.load_network().summary().index.get_level_values("mode")
        True
        """
        rows = []
        for lid, row in self.links.iterrows():
            for c in row["commodities"]:
                rows.append(
                    {
                        "mode": row["mode"],
                        "commodity": c,
                        "link": lid,
                        "length_km": float(row["length_km"]),
                        "operating": row["status"] in OPERATING_STATUSES,
                    }
                )
        df = pd.DataFrame(rows)
        return (
            df.groupby(["mode", "commodity"])
            .agg(links=("link", "count"), operating=("operating", "sum"), length_km=("length_km", "sum"))
            .round({"length_km": 0})
            .astype({"operating": int})
        )

    # ---------------------------------------------------------------- changes
    def replace(self, *, same_names: bool = False, **changes: Any) -> CorridorNetwork:
        """A new network with some attributes replaced; the original is untouched.

        Parameters
        ----------
        same_names : bool, default False
            The new ``nodes`` and ``links`` have the ids, names and aliases of this
            network's (only other columns changed, as by a scenario or an event), so
            the new network shares this one's index of names and aliases instead of
            building its own. Without new frames it is shared anyway.
        **changes
            Attributes of :class:`CorridorNetwork` to replace.

        Examples
        --------
        >>> import transcaspian as tc
        >>> net = tc.load_network("tests/fixtures/mini")
        >>> off = net.replace(links=net.links.assign(disabled=True), same_names=True)
        >>> off.resolve("Sea Terminal"), off._names is net._names
        ('terminal', True)
        """
        new = dataclasses.replace(self, **changes)
        if same_names or not ({"nodes", "links"} & changes.keys()):
            new.__dict__["_names"] = self._names
        return new

    def copy(self) -> CorridorNetwork:
        """A deep copy (frames copied), safe to modify."""
        return self.replace(nodes=self.nodes.copy(deep=True), links=self.links.copy(deep=True))

    def __repr__(self) -> str:
        src = f" from {self.path}" if self.path else ""
        asof = f", as_of={self.as_of}" if self.as_of else ""
        return f"<CorridorNetwork {len(self.nodes)} nodes, {len(self.links)} links{asof}{src}>"
