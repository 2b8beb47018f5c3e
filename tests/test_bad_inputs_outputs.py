"""Nothing lost: outputs checked before any work, never overwritten without --force, written
as a set (all or none), temporary files removed on SIGTERM and Ctrl-C (signals sent to a
child process), and those a SIGKILL leaves removed by the next write."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from transcaspian import cli
from transcaspian.errors import OutputError
from transcaspian.io import OutputSet, remove_stale, write_atomic

MINI = Path(__file__).parent / "fixtures" / "mini"
ROOT = Path(__file__).resolve().parents[1]


def _state(folder: Path) -> dict[str, str]:
    """Every entry of ``folder`` (hidden ones too) with the hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir" for p in sorted(folder.iterdir())}


def test_an_existing_output_is_replaced_only_with_force(run, tmp_path):
    out = tmp_path / "out"
    assert run("solve", "--data", MINI, "--out", out)[0] == 0
    (out / "flows.csv").write_text("previous\n")
    before = _state(out)
    code, _, err = run("solve", "--data", MINI, "--out", out)
    assert code == 1 and "--force" in err and "flows.csv" in err and len(err.strip().splitlines()) == 1
    assert _state(out) == before
    assert run("solve", "--data", MINI, "--out", out, "--force")[0] == 0
    assert (out / "flows.csv").read_text().startswith("link") or "previous" not in (out / "flows.csv").read_text()
    assert sorted(_state(out)) == ["flows.csv", "routes.csv", "summary.json"]


def test_outputs_are_checked_before_any_work(run, tmp_path, monkeypatch):
    def no_work(*a, **k):
        raise AssertionError("the network was loaded before the output was checked")

    monkeypatch.setattr("transcaspian.loader.load_network", no_work)
    (tmp_path / "comparison.txt").write_text("kept\n")
    for argv in (["demo", "--out", tmp_path], ["map", "--out", tmp_path / "m.gif"], ["solve", "--out", "/proc/x/y"],
                 ["simulate", "--chart", tmp_path / "c.html"], ["compare", "a.yaml", "b.yaml", "--map", tmp_path]):
        code, _, err = run(*argv)
        assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1, (argv, err)
    assert (tmp_path / "comparison.txt").read_text() == "kept\n"


def test_make_demo_replaces_its_own_outputs():
    """``make demo`` run twice: the second run replaces out/ because the target passes --force."""
    text = (ROOT / "Makefile").read_text()
    assert "transcaspian demo --out out --force" in text


def test_a_set_is_written_whole_or_not_at_all(tmp_path):
    with OutputSet(tmp_path) as outputs:
        outputs.write("a.csv", "old a\n")
        outputs.write("b.csv", "old b\n")
    before = _state(tmp_path)
    with pytest.raises(RuntimeError), OutputSet(tmp_path) as outputs:
        outputs.write("a.csv", "new a\n")
        raise RuntimeError("stopped half way")
    assert _state(tmp_path) == before  # a.csv as it was, no staging folder left


def test_a_write_error_names_the_output_not_a_temporary_file(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as info:
        write_atomic(blocker / "out.csv", "x")
    assert str(blocker / "out.csv") in str(info.value) and ".tmp" not in str(info.value)


def test_leftovers_of_a_killed_process_are_removed_by_the_next_write(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f".flows.csv.{dead.pid}.abcd1234.tmp").write_text("half")
    (tmp_path / f".outputs.{dead.pid}.abcd1234.staging").mkdir()
    (tmp_path / f".x.{os.getpid()}.abcd1234.tmp").write_text("mine, in use")  # a live process: kept
    (tmp_path / ".hidden").write_text("not ours: kept")
    write_atomic(tmp_path / "flows.csv", "new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f".x.{os.getpid()}.abcd1234.tmp", ".hidden", "flows.csv"])
    assert remove_stale(tmp_path) == []


CHILD = textwrap.dedent("""
    import signal, sys, time
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from transcaspian import cli
    real = cli._write_outputs
    def slow(res, outputs, **kw):
        written = real(res, outputs, **kw)
        print("written", flush=True)
        time.sleep(60)
        return written
    cli._write_outputs = slow
    sys.exit(cli.main(["solve", "--data", sys.argv[1], "--out", sys.argv[2], "--force"]))
""")


@pytest.mark.parametrize(("sig", "code", "word"), [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "Ctrl-C")])
def test_a_signal_mid_write_leaves_the_previous_outputs(tmp_path, sig, code, word):
    out = tmp_path / "out"
    out.mkdir()
    for name in cli._RESULT_FILES:
        (out / name).write_text(f"previous {name}\n")
    before = _state(out)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(MINI), str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == "written":
            break
    assert any(p.name.endswith(".staging") for p in out.iterdir())  # the new set is staged
    child.send_signal(sig)
    _, err = child.communicate(timeout=60)
    assert child.returncode == code
    assert "Traceback" not in err and word in err and len(err.strip().splitlines()) == 1, err
    assert _state(out) == before  # every previous output as it was, no temporary file or staging folder
