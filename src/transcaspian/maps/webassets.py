"""Offline assets and safe HTML/JS helpers for the interactive map (internal).

Leaflet's JavaScript and CSS are inlined from the ``xstatic-leaflet`` package (its
images as data URIs), so the HTML map needs no CDN and works with the network off.
Every text from the data goes through :func:`esc`; URLs through :func:`safe_url`.
"""

from __future__ import annotations

import base64
import functools
import html
import importlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["esc", "js_string", "safe_url", "leaflet_assets", "PAGE_CSS"]


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


PAGE_CSS = """
.leaflet-container { background: #cfe2ee; font-family: "DejaVu Sans", Arial, sans-serif; }
.tc-panel { background: rgba(255,255,255,0.94); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px; line-height: 1.35; color: #2b2b2b; }
.tc-title { position: absolute; top: 10px; left: 54px; z-index: 1000; max-width: 60%; }
.tc-title h1 { font-size: 16px; margin: 0 0 2px 0; }
.tc-title p { margin: 0; color: #555; }
.tc-legend { position: absolute; bottom: 62px; left: 10px; z-index: 1000; max-height: 60%; overflow-y: auto; }
.tc-legend h2 { font-size: 12px; margin: 4px 0 2px 0; }
.tc-legend .row { white-space: nowrap; }
.tc-legend svg { vertical-align: middle; margin-right: 4px; }
.tc-x { color: #d62728; font: bold 22px/22px Arial, sans-serif; text-align: center;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.tc-pct { display: inline-block; color: #b35806; font: bold 11px Arial, sans-serif; text-shadow: 0 0 2px #fff, 0 0 2px #fff; white-space: nowrap; }
.tc-stranded { display: inline-block; background: #fff; border: 1.5px solid #c0151b; border-radius: 4px; color: #c0151b;
  font: bold 11px Arial, sans-serif; padding: 2px 5px; white-space: nowrap; box-shadow: 0 1px 3px rgba(0,0,0,0.3); }
.tc-name { display: inline-block; font: 600 11px Arial, sans-serif; color: #2b2b2b; white-space: nowrap;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 2px #fff; }
.tc-name.off { color: #d62728; }
.tc-pop { font-size: 12px; max-width: 360px; }
.tc-pop .id { color: #777; font-size: 11px; }
.tc-pop .flag { font-weight: bold; }
.tc-pop .off { color: #d62728; } .tc-pop .der { color: #b35806; } .tc-pop .sat { color: #e0301e; }
.tc-pop ul { margin: 3px 0 0 0; padding-left: 16px; }
"""
