"""What the team takes from each shared step: a facilitator or the note taker writes it.

A tap on a note's button (the control message, the overview, the question at /afronden)
starts writing it: the person's next typed message is its text, stored at once and shown
back. Notes written after the round was kept rewrite that version's report (same map) and
send it again. The report names no one: a note is the team's, never who typed it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from bot import callbacks
from bot.context import Services
from bot.dialogs import finish as finish_dialog
from core import teammap
from core.effects import Tap, Text
from core.model import Round, Team
from core.notes import MAX_NOTE, Item, available
from core.protocol import Step
from prompts import Html
from storage.store import Tx

from . import control, finish, noteview


@dataclass
class Reply:
    """What the person who tapped or typed sees: a message, or only a toast."""

    text: Text | None = None
    toast_key: str | None = None


async def _round(tx: Tx, team: Team) -> Round | None:
    """The round the notes are about: the open one, or the last kept one."""
    round_ = await tx.latest_round_of(team.id)
    if round_ is None or (round_.closed_at is not None and round_.step != Step.DONE.value):
        return None
    return round_


async def _role(tx: Tx, team: Team, round_: Round, user_id: int) -> str | None:
    """'facilitator', 'taker' (the round's note taker) or None (may not write notes)."""
    if user_id in await control.facilitators(tx, team):
        return "facilitator"
    taker = await tx.note_taker(round_.id)
    return "taker" if taker is not None and taker[1] == user_id else None


async def tap(services: Services, team: Team, user_id: int, action: str, arg: str) -> Reply:
    """One notes button: the overview, start (or cancel) writing a note, choose the taker."""
    lang = team.language.value
    t, plain = services.texts.t, services.texts.plain
    async with services.store.tx() as tx:
        round_ = await _round(tx, team)
        role = await _role(tx, team, round_, user_id) if round_ is not None else None
        if round_ is None or role is None:
            return Reply(toast_key="map.only_principal" if round_ is not None else "err.stale")
        if action == "list":
            view = await noteview.overview(tx, services, team, round_, user_id,
                                           facilitator=role == "facilitator")  # fmt: skip
            return Reply(view)
        if action == "write":
            items = available(await noteview.shared(tx, team, round_))
            # A button of an earlier round (or a note not shared yet) changes nothing.
            item = next((i for i in items if noteview.write_arg(i, round_) == arg), None)
            if item is None:
                return Reply(toast_key="err.stale")
            await tx.start_writing(user_id, round_.id, item.value)
            current = (await tx.team_notes(round_.id)).get(item.value)
            text = t(
                "notes.ask", lang, label=noteview.label(services, team, item),
                question=noteview.question(services, team, item),
                current=t("notes.current", lang, text=current) if current else "",
            )  # fmt: skip
            cancel = Tap(plain("notes.btn_cancel", lang), callbacks.note(team.id, "cancel"))
            return Reply(Text(user_id, text, ((cancel,),)))
        if action == "cancel":
            await tx.stop_writing(user_id)
            return Reply(Text(user_id, t("notes.cancelled", lang)))
        if action == "taker" and role == "facilitator":
            return Reply(await _candidates(tx, services, team, round_, user_id))
        if action == "takeset" and role == "facilitator" and callbacks.is_id(arg):
            return Reply(toast_key=await _choose_taker(tx, services, team, round_, int(arg)))
    return Reply(toast_key="err.stale")


async def _candidates(tx: Tx, services: Services, team: Team, round_: Round, user_id: int
                      ) -> Text:  # fmt: skip
    """Who can take the notes: the members of the round (they talked to the bot)."""
    members = [m for m in await tx.members(round_.id) if m.left_at is None]
    rows = tuple(
        (Tap(m.first_name or str(m.user_id), callbacks.note(team.id, "takeset", str(m.id))),)
        for m in members
    )
    key = "notes.taker_choose" if rows else "notes.taker_nobody"
    return Text(user_id, services.texts.t(key, team.language.value), rows)


async def _choose_taker(tx: Tx, services: Services, team: Team, round_: Round, member_id: int
                        ) -> str:  # fmt: skip
    """This member records the notes from now on: told so, with the overview (outbox)."""
    member = await tx.member(member_id)
    if member is None or member.round_id != round_.id:
        return "err.stale"
    await tx.set_note_taker(round_.id, member.id, member.user_id)
    lang = team.language.value
    hello = services.texts.t("notes.taker_you", lang, school=team.school_name or "")
    await tx.enqueue(Text(member.user_id, hello), team.id)
    await noteview.offer_note_taker(tx, services, team)
    return "notes.taker_chosen"


async def record(services: Services, user_id: int, typed: str) -> Text | None:
    """The typed message is the note being written: stored, shown back, the control message
    follows; after /afronden the kept report is rewritten and sent again. None when the
    person is not writing a note (the message belongs to another conversation)."""
    revise: tuple[Team, Round] | None = None
    async with services.store.tx() as tx:
        found = await tx.writing(user_id)
        if found is None:
            return None
        round_id, raw_item = found
        round_ = await tx.round(round_id)
        team = await tx.team(round_.team_id)
        lang = team.language.value
        t = services.texts.t
        if await _role(tx, team, round_, user_id) is None or (
            round_.closed_at is not None and round_.step != Step.DONE.value
        ):
            await tx.stop_writing(user_id)
            return None
        text = typed.strip()
        if not text:
            return Text(user_id, t("err.empty", lang))
        if len(text) > MAX_NOTE:
            return Text(user_id, t("notes.too_long", lang, length=len(text), max=MAX_NOTE))
        item = Item(raw_item)
        await tx.set_team_note(round_.id, item.value, text)
        await tx.stop_writing(user_id)
        await control.refresh(tx, services, team)
        if round_.step == Step.DONE.value and await tx.round_versions(round_.id):
            revise = team, round_
    shown = t("notes.saved", lang, label=noteview.label(services, team, item), text=text)
    if revise is not None:
        await revise_reports(services, *revise, user_id)
        shown = Html(f"{shown}\n\n{t('notes.saved_report', lang)}")
    buttons = ((
        Tap(services.texts.plain("notes.btn_edit", lang),
            callbacks.note(team.id, "write", noteview.write_arg(item, round_))),
        Tap(services.texts.plain("notes.btn_all", lang), callbacks.note(team.id, "list")),
    ),)  # fmt: skip
    return Text(user_id, shown, buttons)


async def revise_reports(
    services: Services, team: Team, round_: Round, user_id: int, *, only_if_changed: bool = False
) -> None:
    """Every kept version of the round gets its report again with the notes and agreed next
    steps (map, picture and partners unchanged); whoever wrote them and every facilitator get
    the new report (with only_if_changed, only when a report did change)."""
    zone = services.timezone(team)
    changed = not only_if_changed
    async with services.store.tx() as tx:
        for version in await tx.round_versions(round_.id):
            snapshot = json.loads(version.snapshot_json)
            labels = {str(p.get("label")) for p in snapshot.get("partners", [])}
            data = await finish_dialog.report_data(
                tx, services.texts, team, round_, zone, bytes(version.png), additions=labels
            )
            pdf, markdown = await asyncio.to_thread(
                finish_dialog.report_files, services.texts, team, data
            )
            if only_if_changed and markdown == version.report_md:
                continue  # e.g. a second tap: the report already says this
            changed = True
            snapshot["answers"] = finish_dialog.answers_json(data)
            raw = teammap.to_json_bytes(snapshot).decode("utf-8")
            await tx.revise_map_version(version.id, raw, pdf, markdown)
        if not changed:
            return
        readers = await control.facilitators(tx, team)
        if user_id not in readers:
            readers.append(user_id)
        for reader in readers:
            await finish.report(tx, services, team, reader, notify=None)
    await services.flush()
