"""The documentation builds and stays true to the code.

* ``mkdocs build --strict`` of the whole site (architecture notes and the API reference
  generated from the docstrings) succeeds: a missing page, a broken link or anchor, a
  cross-reference to a name that does not exist, or a module mkdocstrings cannot
  collect fails the suite. The build runs in this process, so the socket guard of
  conftest.py also proves it needs no network.
* Every dotted path ``transcaspian.x.y`` and every ``tc.name`` written in docs/*.md,
  docs/api/*.md and README.md names something that exists.

Both checks are shown to fail on deliberately broken input.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from pathlib import Path

import pytest
import yaml

import transcaspian

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "mkdocs.yml"
DOCS = ROOT / "docs"

mkdocs_build = pytest.importorskip("mkdocs.commands.build", reason="needs the docs extra: pip install -e '.[docs]'")
mkdocs_config = pytest.importorskip("mkdocs.config")
pytest.importorskip("mkdocstrings", reason="needs the docs extra: pip install -e '.[docs]'")
from mkdocs.exceptions import Abort  # noqa: E402

DOTTED = re.compile(r"(?<![\w.])transcaspian(?:\.[A-Za-z_]\w*)+")
TC_NAME = re.compile(r"(?<![\w.])tc\.([A-Za-z_]\w*)")


# ----------------------------------------------------------------------------- helpers
def build_site(config_file: Path, site_dir: Path) -> None:
    """Build a site in strict mode; raises mkdocs' Abort on any warning."""
    cfg = mkdocs_config.load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True)
    mkdocs_build.build(cfg)


def resolve_dotted(path: str) -> bool:
    """Whether ``transcaspian.a.b.c`` names an importable module or an attribute chain."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(name)
        except ImportError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def missing_names(files: list[Path]) -> list[str]:
    """``file: name`` for every dotted path or ``tc.`` name in ``files`` that does not exist."""
    out = []
    for f in files:
        text = f.read_text(encoding="utf-8")
        for path in sorted(set(DOTTED.findall(text))):
            if not resolve_dotted(path):
                out.append(f"{f.relative_to(f.parents[1]) if len(f.parents) > 1 else f}: {path}")
        for name in sorted(set(TC_NAME.findall(text))):
            if not hasattr(transcaspian, name):
                out.append(f"{f.name}: tc.{name}")
    return out


def scratch_config(tmp_path: Path, page: str, *, nav: list | None = None) -> Path:
    """A copy of mkdocs.yml building one page (``page``) from a temporary docs folder."""
    cfg = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(page, encoding="utf-8")
    cfg["docs_dir"] = str(docs)
    cfg["hooks"] = [str(ROOT / h) for h in cfg.get("hooks", [])]
    cfg.pop("exclude_docs", None)
    cfg["nav"] = nav or [{"Home": "index.md"}]
    for plugin in cfg["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            plugin["mkdocstrings"]["handlers"]["python"]["paths"] = [str(ROOT / "src")]
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the site
def test_docs_build_strict(tmp_path):
    site = tmp_path / "site"
    build_site(CONFIG, site)
    for page in ("index.html", "architecture.html", "api/index.html", "api/flow.html", "api/maps.html"):
        assert (site / page).is_file(), page
    api = (site / "api" / "flow.html").read_text(encoding="utf-8")
    assert 'id="transcaspian.flow.solver.solve"' in api and "Parameters" in api
    assert ":func:" not in api and ":meth:" not in api  # Sphinx roles stripped by the hook
    arch = (site / "architecture.html").read_text(encoding="utf-8")
    assert "Add a commodity" in arch and "tests/test_architecture.py" in arch
    # offline: no page loads a script or a stylesheet from elsewhere
    remote = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)=\"(?:https?:)?//", re.I)
    for html in site.rglob("*.html"):
        assert not remote.search(html.read_text(encoding="utf-8")), f"{html} loads a remote asset"


@pytest.mark.parametrize(
    "page, nav",
    [
        ("# x\n\nSee [solve][transcaspian.flow.solver.no_such_function].\n", None),
        ("# x\n\n::: transcaspian.no_such_module\n", None),
        ("# x\n\nSee [the missing page](missing.md).\n", None),
        ("# x\n", [{"Home": "index.md"}, {"Gone": "gone.md"}]),
    ],
    ids=["broken-crossref", "unknown-module", "broken-link", "missing-nav-page"],
)
def test_docs_build_fails_on_broken_docs(tmp_path, page, nav):
    with pytest.raises(Abort):
        build_site(scratch_config(tmp_path, page, nav=nav), tmp_path / "site")


# ------------------------------------------------------------------- names in the docs
def test_module_paths_in_docs_exist():
    files = doc_files()
    assert ROOT / "README.md" in files and DOCS / "architecture.md" in files
    missing = missing_names(files)
    assert not missing, "names in the docs that do not exist (update the docs):\n" + "\n".join(missing)


def test_module_path_check_can_fail(tmp_path):
    doc = tmp_path / "docs" / "broken.md"
    doc.parent.mkdir()
    doc.write_text(
        "Uses `transcaspian.units.convert`, `transcaspian.flow.solver.solve` and `tc.solve`, but also\n"
        "`transcaspian.no_such_module.thing`, `transcaspian.units.NO_SUCH_NAME` and `tc.no_such_name`.\n",
        encoding="utf-8",
    )
    missing = missing_names([doc])
    assert [m.split(": ", 1)[1] for m in missing] == [
        "transcaspian.no_such_module.thing",
        "transcaspian.units.NO_SUCH_NAME",
        "tc.no_such_name",
    ]


def test_resolve_dotted():
    assert resolve_dotted("transcaspian.schema.is_saturated")
    assert resolve_dotted("transcaspian.Scenario.from_yaml")  # a lazy top-level name
    assert resolve_dotted("transcaspian.maps.interactive")
    assert not resolve_dotted("transcaspian.maps.nothing_here")


def test_sphinx_role_hook():
    spec = importlib.util.spec_from_file_location("sphinx_roles", DOCS / "_hooks" / "sphinx_roles.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    html = "see :func:<code>solve</code> and :mod:<code>~transcaspian.flow.lp</code>, not <code>x</code>"
    assert mod.strip_roles(html) == "see <code>solve</code> and <code>lp</code>, not <code>x</code>"
