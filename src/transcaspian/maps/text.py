"""Map texts shared by the static and the interactive maps: labels and volumes (internal).

Plain string helpers with no matplotlib, so the web map can use them without
loading matplotlib.
"""

from __future__ import annotations

import math
import re
import textwrap

__all__ = ["short_label", "fmt_volume"]

_REMARK = re.compile(r"\s*\([^)]*\)")


def short_label(name: str, *, width: int = 22) -> str:
    """A map label from a display name: no parenthetical remarks, at most two lines.

    Parameters
    ----------
    name : str
        Display name of a node or link.
    width : int, default 22
        Line width in characters (a name up to ``width + 2`` stays on one line).

    Returns
    -------
    str
        The label, lines separated by ``"\\n"``.

    Examples
    --------
    >>> print(short_label("Karachaganak gas-condensate field (KPO)"))
    Karachaganak
    gas-condensate field
    >>> short_label("Tengiz field / CPC Tengiz PS")
    'Tengiz field'
    """
    text = _REMARK.sub("", str(name)).split(" / ")[0].strip() or str(name).strip()
    if len(text) <= width + 2:
        return text
    lines = textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width=width, placeholder="\u2026")]
    return "\n".join(lines)


def fmt_volume(v: float) -> str:
    """A volume with sensible precision (``1,250`` / ``62.5`` / ``0.35``).

    Examples
    --------
    >>> fmt_volume(1250.0), fmt_volume(62.5), fmt_volume(0.35)
    ('1,250', '62.5', '0.35')

    The precision is chosen on the rounded value, and small volumes are not written in
    exponent notation:

    >>> fmt_volume(999.96), fmt_volume(99.96), fmt_volume(0.9996), fmt_volume(1.2e-5)
    ('1,000', '100', '1.0', '0.000012')
    """
    a = abs(v)
    if not math.isfinite(a):
        return f"{v:g}"
    if round(a) >= 1000:
        return f"{v:,.0f}"
    if round(a, 1) >= 100:
        return f"{v:.0f}"
    if float(f"{a:.2g}") >= 1:
        return f"{v:.1f}"
    text = f"{v:.2g}"
    if "e" in text:  # 1.2e-05: written out
        decimals = 1 - math.floor(math.log10(float(f"{a:.2g}")))
        text = f"{v:.{decimals}f}".rstrip("0")
    return text
