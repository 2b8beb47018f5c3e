"""Hypothesis example counts that follow the profile (``--hypothesis-profile=long``).

Profiles are registered in ``tests/conftest.py``: ``ci`` (the default, what ``make test``
runs: each property its stated count, a few hundred in all) and ``long`` (20 times as
many, thousands of random networks; run by hand, see docs/reliability.md).

Examples
--------
>>> examples(40) >= 40
True
"""

from __future__ import annotations

from hypothesis import settings

#: ``max_examples`` of the ``ci`` profile: a property's stated count is for this profile.
CI_EXAMPLES = 100


def examples(n: int) -> int:
    """``n`` examples in the ``ci`` profile, scaled by the loaded profile's ``max_examples``."""
    return max(1, n * settings.default.max_examples // CI_EXAMPLES)
