"""How the command line fails: one line in the user's language; a traceback only with --debug."""

from __future__ import annotations

import errno
import functools
import sqlite3
import sys
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

import typer
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click; older ones use click itself
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover
    from click import exceptions as click  # type: ignore[no-redef]

from bot.settings import SettingsError, requested_locale
from prompts.catalog import LOCALES, t

F = TypeVar("F", bound=Callable[..., Any])
DEBUG = "--debug"
_debug: ContextVar[bool] = ContextVar("reflectiebot_debug", default=False)
LANG_OPTIONS = ("--lang", "--locale")
USER_ERROR = 2
CRASH = 1
# What went wrong with a file, in words people know; anything else is "os.other".
_OS_REASONS = {
    errno.ENOENT: "missing",
    errno.EACCES: "denied",
    errno.EPERM: "denied",
    errno.ENOTDIR: "not_dir",
    errno.EEXIST: "exists",
    errno.EISDIR: "is_dir",
    errno.ENOSPC: "full",
    errno.EROFS: "read_only",
}


class CliError(Exception):
    """A user error a command explains itself: a catalog key and its values.

    Args:
        key: Message key, e.g. ``cli.no_db``.
        **params: The message's values.
    """

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def text(self, locale: str) -> str:
        """Return the message in ``locale``."""
        return t(self.key, locale, **self.params)


def friendly(command: F) -> F:
    """Make a command turn a user error into one line on stderr and exit code 2.

    The command speaks the language of its ``--lang`` (or ``--locale``) option, else the
    environment's. A file that cannot be used counts as a user error too; with ``--debug``
    it shows its traceback instead.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        asked = str(kwargs.get("lang") or kwargs.get("locale") or "").strip().lower()
        locale = asked if asked in LOCALES else requested_locale()
        try:
            return command(*args, **kwargs)
        except CliError as exc:
            message = exc.text(locale)
        except SettingsError as exc:
            message = settings_text(exc, locale)
        except (OSError, sqlite3.Error) as exc:
            if _debug.get():
                raise
            message = _unexpected(exc, locale)
        typer.echo(message, err=True)
        raise typer.Exit(USER_ERROR)

    return run  # type: ignore[return-value]


def _value_after(args: Sequence[str], names: Sequence[str]) -> str | None:
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in names:
            return value if eq else (args[i + 1] if i + 1 < len(args) else None)
    return None


def lang_in(args: Sequence[str]) -> str:
    """Return the language a command line asks for (``--lang``), else the environment's."""
    asked = (_value_after(args, LANG_OPTIONS) or "").strip().lower()
    return asked if asked in LOCALES else requested_locale()


def _command(ctx: Any) -> str:
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(["reflectiebot", *reversed(names)])


def usage_text(error: click.UsageError, args: Sequence[str], locale: str) -> str:
    """Say what click refused (an unknown or missing option, a bad value) in our words."""
    command = _command(error.ctx)
    if isinstance(error, click.NoSuchOption):
        return t("cli.unknown_option", locale, option=error.option_name, command=command)
    param = getattr(error, "param", None)
    opts = list(getattr(param, "opts", None) or [])
    option = opts[0] if opts else (getattr(param, "name", None) or "")
    if isinstance(error, click.MissingParameter):
        return t("cli.missing_option", locale, option=option, command=command)
    if isinstance(error, click.BadParameter):
        value = _value_after(args, opts) or ""
        return t("cli.bad_option", locale, option=option, value=value, command=command)
    return t("cli.usage", locale, command=command)


def os_error_text(error: OSError, locale: str) -> str:
    """Say which file could not be used and why, without the system's English text."""
    reason = t(f"cli.os.{_OS_REASONS.get(error.errno or 0, 'other')}", locale)
    return t("cli.os_error", locale, path=error.filename or "", reason=reason)


class ReflectiebotGroup(TyperGroup):
    """The command group of every ``reflectiebot`` command: it turns failures into one line.

    ``--debug`` may stand anywhere on the line; it lets an unexpected error show its
    traceback. Every other failure prints one line in the user's language on stderr and
    exits 2 (a user error) or 1 (a bug).
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; see the class docstring for how it fails."""
        argv = list(sys.argv[1:] if args is None else args)
        debug = DEBUG in argv
        argv = [a for a in argv if a != DEBUG]
        locale = lang_in(argv)
        _debug.set(debug)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.NoArgsIsHelpError as exc:
            exc.show()
            code = exc.exit_code
        except click.UsageError as exc:
            code = _fail(usage_text(exc, argv, locale), USER_ERROR)
        except typer.Abort:
            code = _fail(t("cli.aborted", locale), CRASH)
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except CliError as exc:
            code = _fail(exc.text(locale), USER_ERROR)
        except SettingsError as exc:
            code = _fail(settings_text(exc, locale), USER_ERROR)
        except Exception as exc:
            if debug:
                raise
            code = _fail(_unexpected(exc, locale), _code_of(exc))
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def settings_text(error: SettingsError, locale: str) -> str:
    """Return the header and every settings problem, one per line."""
    return "\n".join([t("settings.header", locale), *(f"- {p}" for p in error.problems)])


def _unexpected(exc: Exception, locale: str) -> str:
    if isinstance(exc, OSError):
        return os_error_text(exc, locale)
    if isinstance(exc, sqlite3.Error):
        return t("cli.db_error", locale, kind=type(exc).__name__)
    return t("cli.crashed", locale, kind=type(exc).__name__)


def _code_of(exc: Exception) -> int:
    # A file that cannot be used is the user's to fix; anything else is a bug of ours.
    return USER_ERROR if isinstance(exc, OSError | sqlite3.Error) else CRASH


def _fail(text: str, code: int) -> int:
    typer.echo(text, err=True)
    return code
