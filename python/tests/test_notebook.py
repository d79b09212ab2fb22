"""examples/notebook.py runs as a script and draws its picture."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import EXAMPLES


def test_notebook_runs_as_a_script(tmp_path):
    picture = tmp_path / "notebook.png"
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "notebook.py"), "--out", str(tmp_path), "--picture", str(picture)],
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "success_rate" in result.stdout and "SMC settles later than LQR" in result.stdout
    assert picture.stat().st_size > 10_000
