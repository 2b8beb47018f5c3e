"""Map styling conventions shared by the static and the interactive maps (internal).

One place for colours, line styles, node symbols, label priorities and the map
projection, so a PNG and an HTML map of the same result read the same way.
See docs/maps.md for the conventions in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "COMMODITY_COLOURS",
    "COMMODITY_LABELS",
    "MODE_STYLES",
    "NODE_STYLES",
    "LABEL_PRIORITY",
    "KEY_HUBS",
    "MAP_CRS",
    "DEFAULT_EXTENT",
    "SOURCE_LINE",
    "commodity_colour",
    "node_style",
    "rc_params",
]

#: Lambert conformal conic centred on the Caspian (lon 50, lat 44), standard
#: parallels 38 and 50 N: shapes stay true across the corridor region, north is up
#: at the centre, and the scale is within 1 % between lat 34 and 53 N.
MAP_CRS = "+proj=lcc +lat_0=44 +lon_0=50 +lat_1=38 +lat_2=50 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"

#: Fallback map extent (min lon, min lat, max lon, max lat) when there is no data.
DEFAULT_EXTENT: tuple[float, float, float, float] = (12.0, 34.0, 90.0, 60.0)

#: Hard bounds of the default extent: remote markets (e.g. Rotterdam, Shanghai) do
#: not shrink the corridor region to a strip; their links run off the map edge.
MAX_EXTENT: tuple[float, float, float, float] = (0.0, 28.0, 95.0, 64.0)

SOURCE_LINE = "Data: transcaspian geodata (sources.yaml); basemap: Natural Earth"

# --------------------------------------------------------------------- palette
LAND = "#f4f1ea"
SEA = "#cfe2ee"
BORDER = "#a9a293"
GRATICULE = "#ffffff"
COUNTRY_LABEL = "#8c8577"
INK = "#2b2b2b"
MUTED = "#9a9a9a"
BACKDROP = "#8e8e8e"
DISABLED = "#d62728"
DERATED = "#f28e2b"
SATURATED = "#e0301e"
STRANDED = "#c0151b"
HIGHLIGHT = "#ffd400"
GAIN = "#2166ac"
LOSS = "#b2182b"

#: One colour per commodity (colour-blind safe pairs, none of them the alert red).
COMMODITY_COLOURS: dict[str, str] = {
    "crude": "#7f3b08",
    "gas": "#2c7fb8",
    "containers": "#6a51a3",
    "rare_earths": "#1a9850",
    "uranium": "#c51b7d",
}

COMMODITY_LABELS: dict[str, str] = {
    "crude": "Crude oil",
    "gas": "Natural gas",
    "containers": "Containers",
    "rare_earths": "Rare earths",
    "uranium": "Uranium",
}


def commodity_colour(commodity: str | None) -> str:
    """Colour of a commodity (dark grey for an unknown or mixed commodity)."""
    return COMMODITY_COLOURS.get(str(commodity), "#555555")


#: Line style per mode: matplotlib dash pattern (in multiples of the line width,
#: ``None`` = solid), the SVG/Leaflet ``dashArray`` in pixels, and a legend label.
MODE_STYLES: dict[str, dict[str, Any]] = {
    "pipeline": {"dashes": None, "dash_array": None, "label": "Pipeline"},
    "tanker": {"dashes": (4.0, 2.0), "dash_array": "10 6", "label": "Tanker (sea)"},
    "ferry": {"dashes": (2.0, 1.6), "dash_array": "5 5", "label": "Ferry (sea)"},
    "rail": {"dashes": (5.0, 1.5, 1.0, 1.5), "dash_array": "12 4 2 4", "label": "Rail"},
    "road": {"dashes": (1.0, 1.4), "dash_array": "2 5", "label": "Road"},
}
MODE_ORDER = ("pipeline", "tanker", "ferry", "rail", "road")

#: Node symbol per kind: matplotlib marker, size (points), face and edge colour.
NODE_STYLES: dict[str, dict[str, Any]] = {
    "oil_field": {"marker": "^", "size": 8.5, "face": "#7f3b08", "edge": "white", "label": "Oil field"},
    "gas_field": {"marker": "^", "size": 8.5, "face": "#2c7fb8", "edge": "white", "label": "Gas field"},
    "gas_condensate_field": {"marker": "^", "size": 8.5, "face": "#41b6c4", "edge": "#1d4e5c", "label": "Gas-condensate field"},
    "processing_plant": {"marker": "p", "size": 7.0, "face": "#737373", "edge": "white", "label": "Processing plant"},
    "terminal": {"marker": "s", "size": 7.5, "face": "#252525", "edge": "white", "label": "Oil terminal"},
    "port": {"marker": "o", "size": 7.5, "face": "white", "edge": "#08306b", "label": "Port"},
    "pump_station": {"marker": "o", "size": 3.5, "face": "#969696", "edge": "white", "label": "Pump station"},
    "junction": {"marker": "o", "size": 3.5, "face": "#969696", "edge": "white", "label": "Junction"},
    "border_crossing": {"marker": "d", "size": 7.0, "face": "#bdbdbd", "edge": "#252525", "label": "Border crossing"},
    "rail_hub": {"marker": "P", "size": 7.5, "face": "#6a51a3", "edge": "white", "label": "Rail hub"},
    "refinery": {"marker": "p", "size": 7.5, "face": "#8c6d31", "edge": "white", "label": "Refinery"},
    "gas_hub": {"marker": "h", "size": 8.0, "face": "#2c7fb8", "edge": "white", "label": "Gas hub"},
    "chokepoint": {"marker": "H", "size": 8.0, "face": "#08306b", "edge": "white", "label": "Chokepoint (strait)"},
    "mine": {"marker": "v", "size": 8.0, "face": "#1a9850", "edge": "white", "label": "Mine"},
    "market": {"marker": "*", "size": 12.0, "face": "#fdb863", "edge": "#252525", "label": "Market"},
}
_DEFAULT_NODE = {"marker": "o", "size": 5.0, "face": "#bdbdbd", "edge": "#252525", "label": "Other"}


def node_style(kind: str) -> dict[str, Any]:
    """Symbol of a node kind (a small grey circle for an unknown kind)."""
    return NODE_STYLES.get(str(kind), _DEFAULT_NODE)


#: Label priority per node kind (higher is placed first; 0 = labelled only if room).
LABEL_PRIORITY: dict[str, int] = {
    "terminal": 80,
    "market": 75,
    "port": 70,
    "chokepoint": 65,
    "oil_field": 60,
    "gas_condensate_field": 60,
    "gas_field": 58,
    "border_crossing": 50,
    "mine": 48,
    "gas_hub": 45,
    "rail_hub": 45,
    "refinery": 42,
    "processing_plant": 30,
    "pump_station": 8,
    "junction": 5,
}

#: The corridor's key hubs (node ids): a report map always names those in view, with a
#: leader line when there is no room beside the symbol. They are the places the export
#: stories turn on - the CPC outage and its bypasses (README, ``make demo``): the CPC
#: terminal, Atyrau, Samara (the Transneft hand-over), the Caspian ports Aktau, Kuryk
#: and Makhachkala, Baku, the Georgian terminals Supsa and Batumi, Ceyhan (BTC), and
#: Alashankou on the China border (Dostyk sits 10 km away on the Kazakh side).
KEY_HUBS: frozenset[str] = frozenset(
    {
        "novorossiysk_cpc_terminal",
        "atyrau",
        "samara",
        "aktau",
        "kuryk",
        "makhachkala",
        "baku",
        "supsa",
        "batumi",
        "ceyhan",
        "alashankou",
    }
)

FONT_FAMILY = "DejaVu Sans"


def rc_params() -> dict[RcKeyType, Any]:
    """matplotlib settings every map is drawn with (fonts bundled with matplotlib).

    DejaVu Sans ships with matplotlib, so maps (and the baseline image test) render
    the same on every machine.
    """
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY],
        "font.size": 9.0,
        "axes.titlesize": 12.0,
        "legend.fontsize": 8.0,
        "legend.title_fontsize": 8.5,
        "legend.frameon": False,
        "lines.solid_capstyle": "round",
        "lines.dash_capstyle": "butt",
        "path.simplify": True,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "text.usetex": False,
        "axes.unicode_minus": True,
    }
