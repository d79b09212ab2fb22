"""`cmake --install --component python` (what scripts/quickstart runs) gives a package
that Debian's /usr/bin/python3 imports from its site directory, without the build tree."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_installed_package_imports_in_debians_python(tmp_path):
    binary_dir = os.environ.get("SIMORCH_BINARY_DIR")
    site = os.environ.get("SIMORCH_PYTHON_INSTALL_DIR")
    if not binary_dir or not site:
        pytest.skip("run through ctest (needs SIMORCH_BINARY_DIR, SIMORCH_PYTHON_INSTALL_DIR)")
    cmake = os.environ.get("CMAKE_COMMAND", "cmake")
    stage = tmp_path / "stage"
    # DESTDIR stages the install instead of writing into the machine's site directory.
    subprocess.run(
        [cmake, "--install", binary_dir, "--component", "python"],
        env={**os.environ, "DESTDIR": str(stage)},
        check=True,
        capture_output=True,
    )
    staged_site = f"{stage}{site}"
    assert os.path.isfile(os.path.join(staged_site, "simorch", "__init__.py"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = staged_site
    result = subprocess.run(
        ["/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable, "-c",
         "import simorch; print(simorch.__version__); print(simorch.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    version, location = result.stdout.split()
    assert version.count(".") == 2
    assert location.startswith(staged_site)


def test_site_directory_is_on_debians_path():
    site = os.environ.get("SIMORCH_PYTHON_INSTALL_DIR")
    if not site or sys.executable != "/usr/bin/python3":
        pytest.skip("checks Debian's interpreter through ctest")
    assert site in sys.path
