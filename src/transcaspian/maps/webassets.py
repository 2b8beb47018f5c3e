"""Offline assets and safe HTML/JS helpers for the interactive map (internal).

Leaflet's JavaScript and CSS are inlined from the ``xstatic-leaflet`` package (its
images as data URIs), so the HTML map needs no CDN and works with the network off.
The page's own CSS and JavaScript live in ``assets/webmap.css`` and
``assets/webmap.js`` (package data, read with :mod:`importlib.resources`) and are
inlined too.
Every text from the data goes through :func:`esc`; URLs through :func:`safe_url`.
"""

from __future__ import annotations

import base64
import functools
import html
import importlib
import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["esc", "js_string", "safe_url", "leaflet_assets", "asset_text", "page_css", "page_script"]


def esc(value: Any) -> str:
    """HTML-escape a value for element content or a quoted attribute.

    Besides ``& < > " '`` it escapes the backtick, ``$`` and the backslash, so an
    escaped text is inert even inside a JavaScript template literal.

    Examples
    --------
    >>> esc("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> esc("${x}`")
    '&#36;{x}&#96;'
    """
    text = html.escape("" if value is None else str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def js_string(text: str) -> str:
    """A JavaScript string literal safe inside a ``<script>`` element.

    Examples
    --------
    >>> js_string("</script>")
    '"\\\\u003c/script\\\\u003e"'
    """
    return (
        json.dumps(str(text), ensure_ascii=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


_CTRL = re.compile(r"[\x00-\x20\x7f]")


def safe_url(url: Any) -> str | None:
    """The URL if it is an absolute http(s) URL with a host, else ``None``.

    Examples
    --------
    >>> safe_url("https://example.org/a?b=1")
    'https://example.org/a?b=1'
    >>> safe_url("javascript:alert(1)") is None and safe_url(" JaVaScRiPt:x") is None
    True
    """
    if not isinstance(url, str):
        return None
    text = url.strip()
    if not text or _CTRL.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


@functools.lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str, str]:
    """Leaflet's JavaScript, CSS (images inlined) and version, from ``xstatic-leaflet``.

    Raises
    ------
    ImportError
        If ``xstatic-leaflet`` is not installed (``pip install 'transcaspian[maps]'``).
    """
    try:
        pkg = importlib.import_module("xstatic.pkg.leaflet")
    except ImportError:
        raise ImportError(
            "the offline HTML map needs Leaflet from the 'xstatic-leaflet' package; "
            "install it with: pip install 'transcaspian[maps]' (or pip install xstatic-leaflet)"
        ) from None
    base = Path(pkg.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        img = base / match.group(1)
        if not img.exists():
            return "none"
        data = base64.b64encode(img.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    js = js.replace("</script", "<\\/script")  # cannot close the inline element early
    return js, css, str(getattr(pkg, "VERSION", ""))


_HEADER = re.compile(r"\A/\*.*?\*/\n", re.DOTALL)
_SLOT = re.compile(r"__TC_([A-Z]+)__")


@functools.lru_cache(maxsize=4)
def asset_text(name: str) -> str:
    """Text of a page asset shipped in ``transcaspian/maps/assets``, without its header comment.

    Examples
    --------
    >>> asset_text("webmap.css").startswith(".leaflet-container")
    True
    """
    text = resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")
    return _HEADER.sub("", text, count=1)


def page_css() -> str:
    """The page's own CSS (panels, labels, marks, popups) from ``assets/webmap.css``."""
    return "\n" + asset_text("webmap.css")


def page_script(slots: Mapping[str, str]) -> str:
    """The page's JavaScript (``assets/webmap.js``) with its ``__TC_NAME__`` slots filled.

    Parameters
    ----------
    slots : mapping of str to str
        JavaScript source per slot name (``"MAP"`` fills ``__TC_MAP__``). Values must
        already be safe JavaScript (data texts as :func:`js_string` literals); they
        are inserted in one pass, so a value is never scanned for further slots.

    Raises
    ------
    KeyError
        If a slot of the script has no value.

    Examples
    --------
    >>> slots = dict.fromkeys(["MAP", "HOLDER", "LINKS", "MODES", "COMMODITIES", "NAMES", "CALLOUTS"], "")
    >>> page_script({**slots, "MAP": "map_1"}).splitlines()[2]
    '  var map = map_1, holder = ;'
    """
    template = asset_text("webmap.js")
    missing = sorted(set(_SLOT.findall(template)) - set(slots))
    if missing:
        raise KeyError(f"webmap.js slots without a value: {', '.join(missing)}")
    return "\n" + _SLOT.sub(lambda m: slots[m.group(1)], template).rstrip("\n")
