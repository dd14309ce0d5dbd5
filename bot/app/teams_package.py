"""`reflectiebot teams-package`: the zip an M365 admin uploads (manifest and icons at its root)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import typer

from bot.app.failures import CliError, friendly
from bot.app.options import cli_locale, lang_option
from prompts.catalog import t

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
URL = re.compile(r"^https://[^\s/$.?#][^\s]*$")
# deploy/teams/ holds the template manifest and the icons (run from a checkout of the repo).
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "teams"
FILES = ("manifest.json", "color.png", "outline.png")


def _source(name: str) -> bytes:
    path = DEPLOY / name
    if not path.is_file():
        raise CliError("teams.no_package_files", path=DEPLOY)
    return path.read_bytes()


def manifest(app_id: str, version: str | None = None, website: str | None = None) -> dict[str, Any]:
    """Return the manifest with ``app_id`` as the app's and the bot's id.

    Raises:
        CliError: When ``app_id`` is not the Entra application (client) id, a GUID.
    """
    if not GUID.match(app_id):
        raise CliError("teams.bad_app_id", value=app_id)
    data: dict[str, Any] = json.loads(_source("manifest.json"))
    data["id"] = app_id.lower()
    for bot in data["bots"]:
        bot["botId"] = app_id.lower()
    if version:
        data["version"] = version
    if website:
        if not URL.match(website):
            raise CliError("teams.bad_website", value=website)
        base = website.rstrip("/")
        data["developer"].update(
            websiteUrl=base, privacyUrl=f"{base}/privacy", termsOfUseUrl=f"{base}/terms"
        )
    return data


def write_package(
    app_id: str, out: Path, *, version: str | None = None, website: str | None = None
) -> Path:
    """Write the app package zip to ``out`` and return it.

    Raises:
        CliError: A bad app id or website, or ``out`` cannot be written.
    """
    data = manifest(app_id, version, website)
    if out.is_dir():
        raise CliError("teams.out_is_folder", path=out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", json.dumps(data, indent=2, ensure_ascii=False))
            for name in FILES[1:]:
                zf.writestr(name, _source(name))
    except OSError as exc:
        raise CliError("cli.os_error", path=out, reason=exc.strerror or type(exc).__name__) from exc
    return out


@friendly
def teams_package_command(
    app_id: str = typer.Option(..., "--app-id", help="The bot's Entra application (client) id."),
    out: Path = typer.Option(Path("reflectiebot-teams.zip"), "--out", help="The zip to write."),
    website: str | None = typer.Option(
        None, "--website", help="Your https site; its /privacy and /terms go in the manifest."
    ),
    lang: str | None = lang_option(),
) -> None:
    """Write the Teams app package (manifest.json, color.png, outline.png) an admin uploads."""
    locale = cli_locale(lang)
    from importlib.metadata import PackageNotFoundError, version

    try:
        current = version("reflectiebot")
    except PackageNotFoundError:
        current = None
    written = write_package(app_id, out, version=current, website=website)
    typer.echo(t("teams.package_written", locale, path=written, app_id=app_id.lower()))
