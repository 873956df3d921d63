"""`report` on a damaged results folder: a clear exit-2 message naming the file and what is wrong, never a traceback
and never a table silently half-read."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("written") / "compare"
    done = subprocess.run([sys.executable, "run.py", "compare", "scenarios/teaching_street.yaml", "--set",
                           "horizon=3d", "--variant", "grid-300", "-r", "2", "--out", str(out), "-q"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return out


def cut(path: Path) -> None:
    """The file cut 7 bytes before its end: in the middle of its last row."""
    path.write_bytes(path.read_bytes()[:-7])


def garble(path: Path) -> None:
    """A row with more fields than the header."""
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n") + ",1,2,3\n"
    path.write_text("".join(lines))


def into_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def into_file(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("not figures")


def writes(text: str):
    return lambda path: path.write_text(text)


DAMAGE = [
    ("summary.json", writes("[]"), "holds list, not the summary"),
    ("summary.json", writes("null"), "holds null, not the summary"),
    ("summary.json", writes("{}"), "has no metrics"),
    ("summary.json", writes('{"scenario": "teaching-street", "replications": 2}'), "has no metrics"),
    ("summary.json", writes('{"variants": {"base": {"response_rate": {"mean": "high"}}}}'),
     "has metric 'response_rate' without a numeric mean"),
    ("summary.json", writes('{"metrics": {"response_rate": {"mean": 0.9'), "is not valid JSON"),
    ("replications.csv", writes("scenario,variant,replication,response_rate\n"), "has no replications"),
    ("replications.csv", writes("a,b\n1,2\n"), "has no column 'variant', 'replication'"),
    ("replications.csv", cut, "ends in the middle of a row"),
    ("replications.csv", garble, "cannot be read as a table"),
    ("timeseries.csv", cut, "ends in the middle of a row"),
    ("design.json", writes('["grid.households"]'), "holds list, not an object"),
    ("provenance.json", writes("[]"), "holds list, not an object"),
    ("figures", into_file, "is a file, where gridgov writes the figures"),
    ("report.html", into_folder, "is a folder, where gridgov writes the report"),
]


@pytest.mark.parametrize("name, damage, said", DAMAGE, ids=[f"{n}-{s[:25]}" for n, _d, s in DAMAGE])
def test_report_refuses_a_damaged_folder_naming_the_file(written, tmp_path, name, damage, said):
    folder = tmp_path / "folder"
    shutil.copytree(written, folder)
    damage(folder / name)
    done = subprocess.run([sys.executable, "run.py", "report", str(folder)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert str(folder / name) in done.stderr and said in done.stderr, done.stderr
