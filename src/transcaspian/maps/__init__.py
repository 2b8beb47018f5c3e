"""Maps of the network and of flow results: static (matplotlib) and interactive (Leaflet).

The static side and the web side share the matplotlib-free modules; only the static
side imports matplotlib:

* :mod:`~transcaspian.maps.data` - the map's frames (links with flows, changes,
  statuses) built from a network and results; no drawing;
* :mod:`~transcaspian.maps.style` - colours, widths, projection, symbol vocabulary;
* :mod:`~transcaspian.maps.text` - label and volume texts (``short_label``, ``fmt_volume``);
* :mod:`~transcaspian.maps.basemap` - Natural Earth outlines read offline, view,
  scale bar, north arrow;
* :mod:`~transcaspian.maps.labels`, :mod:`~transcaspian.maps.layers`,
  :mod:`~transcaspian.maps.legend` - label placement, drawn layers, legends
  (matplotlib);
* :mod:`~transcaspian.maps.static` - :func:`plot_map`, :func:`plot_comparison`,
  :func:`save_map`, :func:`export_map`;
* :mod:`~transcaspian.maps.interactive` - :func:`explore_map`, :func:`write_html`
  (no matplotlib);
* :mod:`~transcaspian.maps.criticality` (matplotlib) and
  :mod:`~transcaspian.maps.critweb` (the HTML page) - the criticality map;
* :mod:`~transcaspian.maps.webassets` - the offline Leaflet page; the page's own CSS and
  JavaScript are the package files ``assets/webmap.css`` and ``assets/webmap.js``.

Nothing is imported here eagerly, so ``import transcaspian.maps.interactive`` does not
load matplotlib.
"""

from __future__ import annotations
