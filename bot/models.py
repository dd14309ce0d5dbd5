"""Domain models that mirror the database tables."""

from __future__ import annotations

import json
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bot.messages import Actor
from bot.questions import Answerable, Text


class Phase(StrEnum):
    """The moment in a project a round belongs to."""

    START = "start"
    FRESHUP = "freshup"
    WRAPUP = "wrapup"
    ADHOC = "adhoc"

    @property
    def planned(self) -> bool:
        """Whether this phase is a moment on a team's timeline (not an ad-hoc round)."""
        return self in PLANNED_PHASES


PLANNED_PHASES = (Phase.START, Phase.FRESHUP, Phase.WRAPUP)
"""The moments of a timeline, in the order they happen: the one list of them."""


class RoundStatus(StrEnum):
    """Where a round is in its life."""

    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Anonymity(StrEnum):
    """What a team agreed to store about who answered what."""

    NAMED = "named"
    PSEUDONYMOUS = "pseudonymous"
    ANONYMOUS = "anonymous"


class Purpose(StrEnum):
    """Why a delivery is sent."""

    OPEN = "open"
    REMIND = "remind"
    CLOSE = "close"
    DIGEST = "digest"
    MISSED = "missed"
    GONE = "gone"
    FAILED = "failed"
    JOINED = "joined"
    """Someone joined the team's channel: the managers are offered a re-contracting round."""


class DeliveryStatus(StrEnum):
    """Claim state of one side effect."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"


class ConversationStatus(StrEnum):
    """Whether the bot can still post in a conversation."""

    ACTIVE = "active"
    GONE = "gone"


class DigestAudience(StrEnum):
    """Who gets a closed round's digest in chat: the coaches only, or the team's channel too."""

    COACH = "coach"
    TEAM = "team"


class TeamEventKind(StrEnum):
    """What changed in a team, as its timeline records it."""

    JOINED = "joined"
    TASK_CHANGED = "task_changed"


class RoleName(StrEnum):
    """Roles a person can hold in a team or programme."""

    MANAGER = "manager"
    COACH = "coach"
    MEMBER = "member"


class AuditAction(StrEnum):
    """What the audit log records: who did it and when, never what was answered."""

    PLAN = "plan"
    START = "start"
    START_PROGRAMME = "start_programme"
    STOP = "stop"
    GRANT_ROLE = "grant_role"
    REVOKE_ROLE = "revoke_role"
    SETTINGS = "settings"
    DIGEST = "digest"
    EXPORT = "export"
    EXPORT_RAW = "export_raw"
    FORGET = "forget"
    DATA = "data"
    RETENTION = "retention"


class Programme(BaseModel):
    """A programme groups teams under one programme manager."""

    id: str
    name: str


class Team(BaseModel):
    """An opgaveteam, bound to one chat conversation."""

    id: str
    name: str
    programme_id: str
    platform: str
    conversation_id: int | None = None
    locale: str = "nl"
    timezone: str = "Europe/Amsterdam"
    anonymity: Anonymity = Anonymity.ANONYMOUS
    open_days: int = 5
    link_code: str | None = None
    digest_audience: DigestAudience = DigestAudience.COACH
    suppression_threshold: int | None = None
    """None: the operator's default (``REFLECTIEBOT_SUPPRESSION_THRESHOLD``) applies."""
    roster_synced_at: AwareDatetime | None = None
    """When the roster was last read from the platform; join/leave events keep it current."""
    retention_days: int | None = None
    """None: the operator's default (``REFLECTIEBOT_RETENTION_DAYS``) applies."""


class Conversation(BaseModel):
    """A channel or personal chat the bot can post in."""

    id: int
    platform: str
    external_id: str
    kind: str
    name: str | None = None
    reference_json: str = "{}"
    status: ConversationStatus = ConversationStatus.ACTIVE
    gone_reason: str | None = None


class Member(BaseModel):
    """A person known on one platform."""

    id: int
    platform: str
    external_user_id: str
    display_name: str | None = None
    locale: str | None = None
    reference_json: str = "{}"
    seen_on: str | None = None
    """The day (ISO) the person last did something with the bot (retention's grace)."""

    def actor(self) -> Actor:
        """Return the neutral actor adapters address this person by."""
        return Actor(
            platform=self.platform,
            user_id=self.external_user_id,
            display_name=self.display_name,
            locale=self.locale,
            reference=json.loads(self.reference_json or "{}"),
        )


class Milestone(BaseModel):
    """A date on a team's timeline."""

    team_id: str
    phase: Phase
    seq: int
    date: str


class Round(BaseModel):
    """One reflection round of one team."""

    id: int
    team_id: str
    phase: Phase
    seq: int = 0
    theme: str | None = None
    set_id: str | None = None
    batch_id: str | None = None
    opens_at: AwareDatetime
    remind_at: AwareDatetime | None = None
    closes_at: AwareDatetime
    status: RoundStatus
    anonymity: Anonymity = Anonymity.ANONYMOUS
    message_id: str | None = None
    step: int | None = None
    """The step of a multi-step exercise this round asks (1 is the first); None otherwise."""


class TeamEvent(BaseModel):
    """A change in a team on its timeline: someone joined, or the task changed."""

    id: int
    team_id: str
    kind: TeamEventKind
    at: AwareDatetime
    member_id: int | None = None
    note: str | None = None
    round_id: int | None = None


class AgreementItem(BaseModel):
    """One question of an exercise's outcome and what the team said to it, in both languages.

    Attributes:
        question: The question as it was asked.
        values: What came out: the texts given, or the most chosen options.
        withheld: Too few answers in an anonymous team to show them.
    """

    question: Text
    values: list[Text] = []
    withheld: bool = False


class Agreement(BaseModel):
    """What a team agreed in an exercise: the outcome of its last step."""

    id: int
    team_id: str
    exercise: str
    round_id: int | None = None
    created_at: AwareDatetime
    items: list[AgreementItem]


class RoundQuestion(Answerable):
    """A question as it was snapshotted when its round opened, typed like the library's.

    Answers are validated by the library's own rules (``Answerable.problem``), against the
    options and scale as they were asked, even after the library changes. Frozen: one parsed
    snapshot is shared by every reader (bot.storage.snapshots).
    """

    model_config = ConfigDict(frozen=True)

    round_id: int
    question_id: str
    position: int
    step: int = 0
    theme: str
    text: Text
    why: Text | None = None
    step_intro: Text | None = None


class Delivery(BaseModel):
    """One claimed side effect towards a platform."""

    id: int
    round_id: int
    purpose: Purpose
    conversation_id: int
    member_id: int
    status: DeliveryStatus
    attempts: int = 0
    next_attempt_at: AwareDatetime | None = None
    claimed_at: AwareDatetime | None = None
    claimed_by: str | None = None
    message_id: str | None = None
    error: str | None = None
