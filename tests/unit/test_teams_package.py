"""The Teams app package: a manifest valid against the official schema, with icons Teams takes."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

from jsonschema import Draft6Validator
from typer.testing import CliRunner

from bot.app.cli import app
from bot.commands.table import BY_WORD
from tests.fakes.specs import specs_dir_fixture  # noqa: F401

APP_ID = "3F2504E0-4F89-41D3-9A0C-0305E82C3301"


def _png(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Return width, height and the RGBA pixels of an 8-bit RGBA PNG without filters."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6), "8-bit RGBA"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + 4 * width
    pixels = []
    for row in range(height):
        line = raw[row * stride : (row + 1) * stride]
        assert line[0] == 0, "no row filter"
        pixels += [tuple(line[1 + 4 * i : 5 + 4 * i]) for i in range(width)]  # type: ignore[misc]
    return width, height, pixels  # type: ignore[return-value]


def test_teams_package_writes_the_zip_an_admin_uploads(tmp_path: Path, specs_dir: Path) -> None:
    out = tmp_path / "pakket.zip"
    result = CliRunner().invoke(app, ["teams-package", "--app-id", APP_ID, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
        color, outline = _png(zf.read("color.png")), _png(zf.read("outline.png"))
    schema = json.loads(
        (specs_dir / "teams" / "MicrosoftTeams.v1.17.schema.json").read_text("utf-8")
    )
    errors = [e.message for e in Draft6Validator(schema).iter_errors(manifest)]
    assert errors == []
    assert manifest["manifestVersion"] == "1.17"
    [bot] = manifest["bots"]
    assert bot["botId"] == manifest["id"] == APP_ID.lower()
    assert set(bot["scopes"]) == {"team", "groupChat", "personal"}
    assert color[:2] == (192, 192) and outline[:2] == (32, 32)
    assert {p for p in outline[2] if p[3]} == {(255, 255, 255, 255)}, (
        "outline: white on transparent"
    )
    assert any(p[3] == 0 for p in outline[2])


def test_the_command_menu_lists_only_commands_the_bot_knows() -> None:
    manifest = json.loads((Path(__file__).parents[2] / "deploy/teams/manifest.json").read_text())
    listed = {c["title"] for cl in manifest["bots"][0]["commandLists"] for c in cl["commands"]}
    assert listed and listed <= set(BY_WORD), listed - set(BY_WORD)


def test_a_bad_app_id_is_refused_in_the_users_language_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    out = tmp_path / "pakket.zip"
    result = CliRunner().invoke(
        app, ["teams-package", "--app-id", "mijn-bot", "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 2
    assert "is not an app id" in result.output and "Traceback" not in result.output
    assert not out.exists()
