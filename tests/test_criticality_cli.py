"""The criticality and ensemble subcommands: files written, map drawn, numbers as the API gives them."""

from __future__ import annotations

import csv
import io

import geopandas as gpd
import pandas as pd
import pytest
from matplotlib.image import imread

import transcaspian as tc
from transcaspian.hazards import load_hazards


def test_criticality_pairs_files_and_map(run, mini_path, mini_net, tmp_path):
    code, out, err = run("criticality", "--data", mini_path, "--elements", "both", "--k", "2", "--combine", "4",
                         "--format", "csv", "--out", tmp_path / "pairs.parquet")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    api = tc.criticality(mini_net, elements="both", k=2, top=4)
    assert [r["element"] for r in rows] == api.index.tolist()
    back = pd.read_parquet(tmp_path / "pairs.parquet")
    assert back["lost"].tolist() == pytest.approx(api["lost"].tolist())
    code, _, err = run("criticality", "--data", mini_path, "--elements", "both", "--out", tmp_path / "c.gpkg",
                       "--map", tmp_path / "c.png")
    assert code == 0 and "wrote map" in err
    g = gpd.read_file(tmp_path / "c.gpkg")
    assert set(g.geom_type) == {"Point", "LineString"} and len(g) == len(tc.criticality(mini_net, elements="both"))
    img = imread(tmp_path / "c.png")
    assert img.shape[0] > 400 and img[..., :3].std() > 0.05  # a drawn picture, not a blank canvas


def test_ensemble_cli(run, mini_path, tmp_path):
    scen = tmp_path / "winter.yaml"
    scen.write_text("name: winter\nstart: 2025-11-01\nend: 2026-01-31\nstep: month\n", encoding="utf-8")
    hz = tmp_path / "hz.yaml"
    hz.write_text("hazards:\n  - {id: storm, element: terminal, effect: {off: true}, per_month: 0.6, durations_days: [7]}\n",
                  encoding="utf-8")
    code, out, _ = run("ensemble", scen, "--data", mini_path, "--draws", "4", "--seed", "2", "--hazards", hz,
                       "--out", tmp_path / "d.csv")
    assert code == 0 and "4 draws, seed 2" in out and "p50" in out and "storm" in out
    d = pd.read_csv(tmp_path / "d.csv")
    api = tc.ensemble(tc.load_network(mini_path), scen, draws=4, seed=2, hazards=load_hazards(hz))
    assert d["draw"].tolist() == [0, 1, 2, 3] and d["lost"].tolist() == pytest.approx(api.draws["lost"].tolist())
    code, out, _ = run("ensemble", scen, "--data", mini_path, "--draws", "4", "--seed", "2", "--format", "json")
    assert code == 0 and '"p90"' in out


def test_criticality_cli_workers_give_the_serial_rows(run, mini_path, mini_net):
    code, out, _ = run("criticality", "--data", mini_path, "--elements", "both", "--workers", "2", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    api = tc.criticality(mini_net, elements="both")
    assert [r["element"] for r in rows] == api.index.tolist()
    assert [float(r["lost"]) for r in rows] == pytest.approx(api["lost"].tolist(), abs=1e-9)
