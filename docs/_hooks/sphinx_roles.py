"""mkdocs hook: show Sphinx cross-reference roles in docstrings as plain code.

The docstrings are numpydoc and use Sphinx roles (``:func:`solve```,
``:mod:`~transcaspian.flow.lp```), which mkdocstrings renders literally as
``:func:<code>solve</code>``. This hook drops the role and, like Sphinx, shows only the
last component of a ``~``-prefixed target. Runs on each page's HTML, offline.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:py:)?(?:func|meth|class|mod|data|attr|exc|obj|const):<code>(~?)([^<]*)</code>")


def strip_roles(html: str) -> str:
    """Replace ``:role:<code>target</code>`` with ``<code>target</code>``.

    Examples
    --------
    >>> strip_roles("see :func:<code>solve</code> and :mod:<code>~transcaspian.flow.lp</code>")
    'see <code>solve</code> and <code>lp</code>'
    """

    def repl(m: re.Match[str]) -> str:
        target = m.group(2).rsplit(".", 1)[-1] if m.group(1) else m.group(2)
        return f"<code>{target}</code>"

    return _ROLE.sub(repl, html)


def on_page_content(html: str, **kwargs: Any) -> str:
    return strip_roles(html)
