"""Which commands the audit log records, and the ids they touched (never content)."""

from __future__ import annotations

from pydantic import BaseModel

from bot.commands.models import (
    ChangeCommand,
    DigestCommand,
    MyDataCommand,
    NextCommand,
    PlanCommand,
    RoleCommand,
    SettingsCommand,
    StartCommand,
    StopCommand,
)
from bot.models import AuditAction


def audit_entry(command: BaseModel, platform: str) -> tuple[AuditAction, str] | None:
    """Return the audit action and detail of a command that succeeded; None: not audited.

    ``vergeet mij`` is recorded by the erasure itself, in the same transaction.
    """
    match command:
        case NextCommand():
            return AuditAction.START, "next step"
        case ChangeCommand():
            # The note is the manager's own words: it stays on the timeline, not in the log.
            return AuditAction.START, "task change"
        case PlanCommand():
            return AuditAction.PLAN, f"{command.start}..{command.end}"
        case StartCommand(programme=True):
            return AuditAction.START_PROGRAMME, command.set_id or ""
        case StartCommand():
            return AuditAction.START, command.set_id or ""
        case StopCommand(confirmed=True):
            return AuditAction.STOP, ""
        case RoleCommand():
            action = AuditAction.REVOKE_ROLE if command.revoke else AuditAction.GRANT_ROLE
            people = ",".join(f"{platform}:{p.removeprefix('@')}" for p in command.people)
            return action, f"{command.role.value} {people}"
        case SettingsCommand() if command.changes:
            return AuditAction.SETTINGS, ",".join(
                f"{k}={v}" for k, v in sorted(command.changes.items())
            )
        case DigestCommand():
            return AuditAction.DIGEST, ""
        case MyDataCommand():
            return AuditAction.DATA, ""
    return None
