"""Interoperability: networks from other people's geodata, and ours out to their tools.

Nothing is imported eagerly here (``import transcaspian.interop.columns`` from the
network type must stay light and free of cycles). The modules:

* :mod:`~transcaspian.interop.columns`: JSON text for list and mapping columns, the
  frames of a network (``net.to_frames()``) and network equality;
* :mod:`~transcaspian.interop.writers`: a network to GeoPackage, GeoParquet or a
  GeoJSON folder (``net.to_file``), written atomically;
* :mod:`~transcaspian.interop.graph`: a networkx graph with plain numeric attributes
  (``net.graph(commodity=...)``);
* :mod:`~transcaspian.interop.frames`: ``tc.network_from_frames``;
* :mod:`~transcaspian.interop.files`: ``tc.read_network`` for every format above;
* :mod:`~transcaspian.interop.lines`: ``tc.network_from_lines`` (line ends snapped
  into nodes, geodesic lengths);
* :mod:`~transcaspian.interop.results`: tidy tables of results and ``tc.write_table``;
* :mod:`~transcaspian.interop.pypsa`: ``tc.to_pypsa`` (the ``pypsa`` extra).

See docs/interop.md.
"""
