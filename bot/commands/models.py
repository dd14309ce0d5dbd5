"""The commands of the `/reflectie` language as typed models (what the parser returns)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.models import Anonymity, DigestAudience, RoleName


class HelpCommand(BaseModel):
    """``hulp``: list the commands."""

    name: Literal["help"] = "help"


class StartCommand(BaseModel):
    """``start [fase|thema|oefening] [programma]``: open a round now.

    Attributes:
        set_id: ``start``/``freshup``/``wrapup``, ``theme:<id>`` or ``exercise:<id>``;
            None lets the handler pick the phase that fits the team's history.
        programme: Start the round in every team of the programme at once.
    """

    name: Literal["start"] = "start"
    set_id: str | None = None
    programme: bool = False


class PlanCommand(BaseModel):
    """``plan <start> [opfris <datum> ...] afronding <datum>``: set the team's timeline."""

    name: Literal["plan"] = "plan"
    start: date
    freshups: list[date] = Field(default_factory=list)
    end: date


class StatusCommand(BaseModel):
    """``status``: the open round and what is planned."""

    name: Literal["status"] = "status"


class DigestCommand(BaseModel):
    """``digest``: the summary of the last closed round."""

    name: Literal["digest"] = "digest"


class StopCommand(BaseModel):
    """``stop [ja]``: cancel the open round; without the confirm word it only asks first.

    Attributes:
        confirmed: The person typed (or pressed) the confirmation: ``stop ja`` / ``stop yes``.
    """

    name: Literal["stop"] = "stop"
    confirmed: bool = False


class RoleCommand(BaseModel):
    """``rol [weg] manager|coach|lid @persoon ...``: give or take a role in the team.

    Attributes:
        people: Mention tokens as the adapter wrote them (``@<user_id>``).
    """

    name: Literal["role"] = "role"
    role: RoleName
    people: list[str]
    revoke: bool = False


class SettingsCommand(BaseModel):
    """``instellingen`` with taal, anonimiteit, dagen, digest, drempel or bewaartermijn.

    No changes means show.
    """

    name: Literal["settings"] = "settings"
    locale: Literal["nl", "en"] | None = None
    anonymity: Anonymity | None = None
    open_days: int | None = None
    digest_audience: DigestAudience | None = None
    suppression_threshold: int | None = None
    retention_days: int | None = None

    @property
    def changes(self) -> dict[str, Any]:
        """Return the team columns this command changes."""
        fields = {
            "locale": self.locale,
            "anonymity": self.anonymity,
            "open_days": self.open_days,
            "digest_audience": self.digest_audience,
            "suppression_threshold": self.suppression_threshold,
            "retention_days": self.retention_days,
        }
        return {k: v for k, v in fields.items() if v is not None}


class NextCommand(BaseModel):
    """``volgende``: close the open step of the team's exercise and open the next one."""

    name: Literal["next"] = "next"


class AgreementsCommand(BaseModel):
    """``afspraken``: what the team agreed in its exercises."""

    name: Literal["agreements"] = "agreements"


class ChangeCommand(BaseModel):
    """``wijziging <korte omschrijving>``: the task changed; record it and open the re-check.

    Attributes:
        note: What changed, in the manager's words (kept on the team's timeline).
    """

    name: Literal["change"] = "change"
    note: str = Field(min_length=1, max_length=300)


class MyDataCommand(BaseModel):
    """``mijn gegevens`` / ``my data``: everything stored about the person, privately."""

    name: Literal["my_data"] = "my_data"


class ForgetMeCommand(BaseModel):
    """``vergeet mij [ja]`` / ``forget me [yes]``: erase the person; asks to confirm first.

    Attributes:
        confirmed: The person typed (or pressed) the confirmation.
    """

    name: Literal["forget_me"] = "forget_me"
    confirmed: bool = False


Command = (
    HelpCommand
    | StartCommand
    | PlanCommand
    | StatusCommand
    | DigestCommand
    | StopCommand
    | RoleCommand
    | SettingsCommand
    | NextCommand
    | AgreementsCommand
    | ChangeCommand
    | MyDataCommand
    | ForgetMeCommand
)
