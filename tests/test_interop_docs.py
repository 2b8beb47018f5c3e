"""Every python block of docs/interop.md runs, in order, in one namespace (from the repo root, writing to a scratch out/)."""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "interop.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(text: str) -> list[str]:
    return BLOCK.findall(text)


def test_blocks_are_found():
    assert len(blocks(DOC.read_text(encoding="utf-8"))) >= 7
    assert blocks("x\n```python\na = 1\n```\n") == ["a = 1\n"]


def test_interop_doc_examples_run(tmp_path, monkeypatch, caplog):
    pytest.importorskip("pypsa", reason="the doc's last example needs the pypsa extra (in .[test])")
    pytest.importorskip("searoute", reason="the doc's maritime example needs the sealanes extra (in .[test])")
    caplog.set_level(logging.WARNING)
    # the doc's relative paths: tests/fixtures/mini from the repository, out/ a scratch folder
    work = tmp_path / "repo"
    (work / "tests" / "fixtures").mkdir(parents=True)
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", work / "tests" / "fixtures" / "mini")
    (work / "out").mkdir()
    monkeypatch.chdir(work)
    ns: dict = {}
    for i, code in enumerate(blocks(DOC.read_text(encoding="utf-8"))):
        try:
            exec(compile(code, f"docs/interop.md block {i + 1}", "exec"), ns)
        except Exception as exc:  # name the block that failed
            raise AssertionError(f"docs/interop.md block {i + 1} failed: {exc!r}\n{code}") from exc
    assert os.path.exists("out/crude.gpkg") and os.path.exists("out/net_folder/nodes.geojson")
