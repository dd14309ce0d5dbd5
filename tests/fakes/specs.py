"""The ``specs_dir`` fixture: the offline platform specs, required (a missing copy fails)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = (REPO / "tests" / "specs", REPO.parent / "shared" / "specs")


def find_specs_dir() -> Path:
    """Return the first specs folder that exists.

    Raises:
        FileNotFoundError: When neither tests/specs/ nor ../shared/specs/ exists.
    """
    for candidate in CANDIDATES:
        if (candidate / "slack" / "block-kit-limits.json").is_file():
            return candidate
    raise FileNotFoundError(f"offline specs missing; looked in {[str(c) for c in CANDIDATES]}")


@pytest.fixture(name="specs_dir")
def specs_dir_fixture() -> Path:
    """The offline specs folder; the test fails (never skips) when it is missing."""
    try:
        return find_specs_dir()
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
