"""The time dimension: outages that last weeks, tanks that fill, fields that shut in.

:func:`simulate` solves the flow model over a horizon of days, weeks or months as one
time-expanded LP on the solver core of :mod:`transcaspian.flow`. Modules:

* :mod:`~transcaspian.timeline.periods` - the periods of a horizon;
* :mod:`~transcaspian.timeline.timedata` - storage, moorings, production response and
  grades (geodata/time.yaml);
* :mod:`~transcaspian.timeline.outages` - day-by-day availability from events and a
  scenario's ``outages:`` windows;
* :mod:`~transcaspian.timeline.model` - the time-expanded LP;
* :mod:`~transcaspian.timeline.result` - :class:`SimulationResult`;
* :mod:`~transcaspian.timeline.run` - :func:`simulate`, the entry point.

See docs/simulation.md.
"""

from __future__ import annotations

from .result import SimulationResult
from .run import simulate

__all__ = ["simulate", "SimulationResult"]
