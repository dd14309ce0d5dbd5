"""What the container runs: hadolint on the Dockerfile, and the wheel in a fresh environment.

No container daemon runs on these machines, so the image itself is built only where Docker is
available (the last test says so when it skips). What the image would run is tested for real:
the project is built into a wheel, installed into a brand-new virtual environment (its data
files, the question library and templates, must come with it), and ``reflectiebot serve``
from there must answer ``/healthz``.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from aiohttp import ClientSession

from tests.fakes.serve_process import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_hadolint_passes_on_the_dockerfile() -> None:
    result = subprocess.run(
        [str(BIN / "hadolint"), str(ROOT / "deploy" / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_runs_as_a_user_with_a_volume_and_a_healthcheck() -> None:
    text = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert text.count("FROM ") >= 2, "multi-stage"
    assert "\nUSER 10001" in text and 'VOLUME ["/data"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'CMD ["serve"]' in text
    assert "SECRET" not in text.split("# Secrets")[0] and "TOKEN=" not in text


async def test_the_wheel_installed_in_a_fresh_venv_serves_healthz(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    [wheel] = wheels.glob("reflectiebot-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    install = subprocess.run(
        [str(env_dir / "bin" / "pip"), "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "REFLECTIEBOT_ENV": "test",
        "REFLECTIEBOT_DB": str(tmp_path / "data" / "bot.db"),
        "REFLECTIEBOT_HOST": "127.0.0.1",
        "REFLECTIEBOT_PORT": str(port),
        "SLACK_API_BASE_URL": "http://127.0.0.1:9/api/",
        "SLACK_SIGNING_SECRET": "smoke",
    }
    proc = await asyncio.create_subprocess_exec(
        str(env_dir / "bin" / "reflectiebot"),
        "serve",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        assert proc.stdout is not None
        while b"luistert op" not in (line := await asyncio.wait_for(proc.stdout.readline(), 60)):
            assert line, "serve exited before it listened"
        async with ClientSession() as http:
            response = await http.get(f"http://127.0.0.1:{port}/healthz")
            assert response.status == 200, await response.text()
            assert (await response.json())["database"]["ok"] is True
    finally:
        proc.terminate()
        await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode == 0


def test_the_image_builds_where_docker_is_available() -> None:
    docker = shutil.which("docker")
    info = (
        subprocess.run([docker, "info"], capture_output=True, timeout=30, check=False)
        if docker
        else None
    )
    if info is None or info.returncode != 0:
        pytest.skip("no Docker engine on this machine: the image is linted and its wheel tested")
    built = subprocess.run(
        [docker, "build", "-f", "deploy/Dockerfile", "-t", "reflectiebot:test", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
