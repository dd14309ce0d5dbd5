"""Handlers of the rights of the person: ``mijn gegevens`` and ``vergeet mij``, privately."""

from __future__ import annotations

from typing import Any

from bot.commands.context import CommandContext
from bot.commands.models import ForgetMeCommand, MyDataCommand
from bot.messages import Reply
from bot.rounds.rights import forget_person, personal_data


def _data_lines(ctx: CommandContext, data: dict[str, Any]) -> list[str]:
    member = data["member"]
    lines = [
        ctx.t("rights.data_header"),
        ctx.t(
            "rights.data_member",
            platform=member["platform"],
            id=member["user_id"],
            name=member["display_name"] or "",
            language=member["locale"] or "",
        ),
    ]
    lines += [
        ctx.t("rights.data_team", team=r["name"], pseudonym=r["pseudonym"], active=r["active"])
        for r in data["teams"]
    ]
    lines += [
        ctx.t("rights.data_role", role=ctx.t(f"role.name.{r['role']}"), scope=r["scope_id"])
        for r in data["roles"]
    ]
    lines.append(ctx.t("rights.data_answers", n=len(data["answers"])))
    lines += [
        ctx.t(
            "rights.data_answer",
            team=a["team"],
            round=a["round_id"],
            question=a["question_id"],
            value=a["value"],
            at=(a["answered_at"] or "")[:10],
        )
        for a in data["answers"]
    ]
    lines.append(
        ctx.t(
            "rights.data_counts",
            rounds=data["rounds"],
            answering=data["answering"],
            deliveries=data["deliveries"],
            audit=data["audit"],
        )
    )
    return [*lines, ctx.t("rights.data_anonymous"), ctx.t("rights.data_forget")]


def my_data(ctx: CommandContext, command: MyDataCommand) -> Reply:
    """Show the person everything stored about them; only they see the reply."""
    actor = ctx.event.actor
    data = personal_data(ctx.core, actor.platform, actor.user_id)
    if data is None:
        # Not ok: nothing was disclosed, so there is nothing to audit (and no id to keep).
        return ctx.reply(ctx.t("rights.data_none"), ok=False)
    return ctx.reply(*_data_lines(ctx, data))


def forget_me(ctx: CommandContext, command: ForgetMeCommand) -> Reply:
    """Erase the person after a confirmation; the reply says what cannot be undone."""
    actor = ctx.event.actor
    if not command.confirmed:
        confirm = ctx.t("rights.confirm_command")
        return ctx.confirm(
            ctx.t("rights.confirm", confirm=confirm), confirm, ctx.t("rights.confirm_button")
        )
    removed = forget_person(ctx.core.store, actor.platform, actor.user_id, ctx.now)
    if removed is None:
        return ctx.reply(ctx.t("rights.data_none"), ok=False)
    return ctx.reply(ctx.t("rights.forgotten", **removed), ctx.t("rights.not_recomputed"))
