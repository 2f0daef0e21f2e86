"""Step 5: keep the map and every answer as a version; the principal gets the report."""

from __future__ import annotations

import asyncio

from bot.context import Services
from bot.dialogs import finish as finish_dialog
from core.effects import Document, Notice, Photo, Text
from core.model import Team
from storage.store import Tx

from . import control, maps, noteview
from .plans import plan_yearly


async def finish(services: Services, team: Team) -> None:
    """/afronden: the kept version, the yearly reminder planned, the report to the principal."""
    zone = services.timezone(team)
    async with services.store.tx() as tx:
        open_round = await tx.open_round_of(team.id)
        if open_round is not None:
            # A second look that still runs reaches the map first: it is part of what is kept.
            await maps.close_look(tx, services, team, open_round)
        prepared = await finish_dialog.prepare(tx, services.texts, team, zone)
        if isinstance(prepared, finish_dialog.Finished):
            await tx.enqueue(Text(team.chat_id, prepared.text), team.id)
    if isinstance(prepared, finish_dialog.Finished):
        await services.flush()
        return
    round_, data = prepared
    # Drawing the map and the PDF takes a second or two: not on the event loop, not in a tx.
    files = await asyncio.to_thread(
        finish_dialog.build_files, services.texts, team, round_, data, zone
    )
    async with services.store.tx() as tx:
        result = await finish_dialog.keep(tx, services.texts, team, round_, files, zone)
        if result.round is None:
            await tx.enqueue(Text(team.chat_id, result.text), team.id)
        else:
            await plan_yearly(tx, services, team, result.round)
            # The kept map is the one the group saw last: the closing words are enough.
            if await maps.shown(tx, services, team, result.round):
                await tx.enqueue(Text(team.chat_id, result.text), team.id)
            else:
                caption = maps.joined_caption(
                    result.text, await maps.caption_now(tx, services, team, result.round)
                )
                words = maps.words_button(services, team, result.round)
                photo = Photo(team.chat_id, caption or "", result.png, buttons=words)
                await tx.enqueue(photo, team.id)
                if not caption:
                    await tx.enqueue(Text(team.chat_id, result.text), team.id)
            await maps.note_shown(tx, services, team, result.round)
            # Every facilitator gets the report; the group hears once if one cannot be reached.
            for index, user_id in enumerate(await control.facilitators(tx, team)):
                await report(tx, services, team, user_id, notify=team.chat_id if index == 0
                             else None)  # fmt: skip
            # The closing question on the method; the answer rewrites the report.
            await noteview.ask_reflection(tx, services, team, result.round,
                                          await control.facilitators(tx, team))  # fmt: skip
            await control.refresh(tx, services, team)
            await control.nudge(tx, services, team)
    await services.flush()


async def report(
    tx: Tx, services: Services, team: Team, user_id: int, *, notify: int | None
) -> None:
    """Owe a person the latest kept version's report (PDF, Markdown, the map picture); when
    they cannot be reached, `notify` (a chat) is told to open a private chat first."""
    lang = team.language.value
    version = await tx.latest_map_version(team.id)
    round_ = await tx.round(version.round_id) if version else None
    if version is None or round_ is None:
        await tx.enqueue(Text(user_id, services.texts.t("finish.no_version", lang)), team.id)
        return
    stem = f"netwerkkaart-ronde{round_.number}"
    batch = f"report:{user_id}:{tx.now.isoformat()}"
    sent = services.texts.t("finish.sent", lang, number=round_.number)
    await tx.enqueue_all(
        [
            Document(user_id, bytes(version.report_pdf), f"{stem}-verslag.pdf", batch),
            Document(user_id, version.report_md.encode("utf-8"), f"{stem}-verslag.md", batch),
            Document(user_id, bytes(version.png), "netwerkkaart.png", batch),
            Text(user_id, sent, batch=batch),
        ],
        team.id,
    )
    # The principal's rows wait for their private chat (the deliverer asks the group once).
    if notify is not None and user_id != team.principal_user_id:
        await tx.enqueue(Notice(notify, batch, "finish.open_private", lang), team.id)
