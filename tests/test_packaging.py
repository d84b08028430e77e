"""The wheel built from the repository ships the bundled scenarios and runs from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs_bundled_scenario_from_any_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = wheels.glob("*.whl")
    environment = tmp_path / "env"
    # Dependencies come from this interpreter's site-packages (no download at test time),
    # named in a .pth file: `system_site_packages` would give the base interpreter's, which
    # lacks them when the tests run in a virtual environment. The package itself comes only
    # from the wheel, in the new environment's own site-packages, ahead of those paths (the
    # .pth files of the added folders, such as an editable install's, are not processed).
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dependencies = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    Path(own_site, "_test_dependencies.pth").write_text("\n".join(dependencies) + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import impact, impact.scenario.bundled as b; print(impact.__file__); print(b.bundled_root())",
        ],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.splitlines()
    assert str(environment) in where[0], where
    assert where[1].endswith("impact/_bundled_datasets"), where
    assert (Path(where[1]) / "odesa-2025-12" / "boundaries.geojson").is_file()  # the OSM polygons travel too
    result = subprocess.run(
        [str(environment / "bin" / "impact"), "run", "odesa-2025-12", "--samples", "20", "--out", "out.csv"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "power" in result.stdout and "1,755,082" in result.stdout
    assert (elsewhere / "out.csv").read_text(encoding="utf-8").splitlines()[1].startswith("#")
