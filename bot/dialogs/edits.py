"""An edited private message changes what the original created, never adds new input.

Every typed message notes what it created (Tx.note_source): a post-it per line, a piece of an
answer. When the person edits that message in Telegram:

* a post-it is renamed, checked like a rename in the member's list;
* in a pasted list, a changed line renames its post-it, a new line adds one, and a removed line
  deletes its post-it only while nobody has answered anything about it yet (it is still
  unclassified and not the post-it in hand); otherwise it stays and the member is told to
  delete it in /lijst. A line that was refused before (a double, too long) is tried again;
* an answer gets this message's piece replaced, the other messages' pieces stay.

Once the step has been closed (the answers were shared, the post-its went onto the map), the
edit changes nothing and the person is told so calmly. The reply is one short message without
buttons, and the screen number is not bumped: the buttons the member sees stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.edits import SourceKind, SourcePart, match_lines, replace_part
from core.model import PostIt
from core.protocol import Step
from core.validation import (
    Problem,
    clean_answer,
    clean_partner_name,
    split_partner_lines,
    tidy,
)
from prompts import Html, Texts
from storage.store import Tx

from .base import Ctx
from .brainstorm import add_name, rename_postit
from .priority import MAX_REASON


@dataclass(frozen=True)
class _Line:
    """What a line of the edited message is recorded to have created."""

    text: str
    created: bool
    postit_id: int | None


async def on_edit(
    tx: Tx, texts: Texts, user_id: int, message_id: int, text: str, lang: str
) -> Html:
    """Apply an edit of one of the person's private messages; the short answer to send.

    `lang` is used when the message created nothing (then there is no team to ask).
    """
    parts = await tx.sources_of(user_id, message_id)
    if not parts:
        return texts.t("edit.nothing", lang)
    first = parts[0]
    if first.respondent_id is not None:
        return await _edit_survey_answer(tx, texts, first, text)
    assert first.member_id is not None
    member = await tx.member(first.member_id)
    assert member is not None  # rows go with their member (ON DELETE CASCADE)
    round_ = await tx.round(member.round_id)
    ctx = Ctx(tx, texts, await tx.team(round_.team_id), round_, member)
    postits = [part for part in parts if part.kind is SourceKind.POSTIT]
    if postits:
        if not _brainstorm_open(ctx):
            return ctx.t("edit.closed_postit")
        return await _edit_postits(ctx, postits, text)
    if not await _answer_open(ctx, first):
        return ctx.t("edit.closed")
    return await _edit_answer(tx, texts, ctx.lang, first, text)


# -- post-its -------------------------------------------------------------------------------


def _brainstorm_open(ctx: Ctx) -> bool:
    return ctx.round.closed_at is None and ctx.round.step == Step.BRAINSTORM.value


async def _own(ctx: Ctx, postit_id: int | None) -> PostIt | None:
    if postit_id is None:
        return None
    postit = await ctx.tx.postit(postit_id)
    return postit if postit and postit.member_id == ctx.member.id else None


async def _edit_postits(ctx: Ctx, parts: list[SourcePart], text: str) -> Html:
    """Rename, add and remove post-its so they follow the edited lines."""
    new_lines = [tidy(line) for line in split_partner_lines(text) or [text]]
    same, changes = match_lines([part.text for part in parts], new_lines)
    recorded: dict[int, _Line] = {
        new: _Line(parts[old].text, parts[old].created, parts[old].postit_id) for old, new in same
    }
    notes: list[str] = []
    renamed: list[str] = []
    added: list[str] = []
    removed: list[str] = []
    kept: list[str] = []
    # Removals first, so that a line moved into a rewritten block is not refused as a double.
    for change in sorted(changes, key=lambda c: c.kind != "removed"):
        old = parts[change.old] if change.old is not None else None
        postit = await _own(ctx, old.postit_id) if old else None
        if change.new is None:
            if postit is None:
                continue
            if postit.classified or postit.id == ctx.member.current_postit_id:
                kept.append(postit.text)
            else:
                await ctx.tx.delete_postit(postit.id)
                removed.append(postit.text)
            continue
        line = new_lines[change.new]
        if postit is not None:
            result = await rename_postit(ctx, postit, line)
            if isinstance(result, Problem):
                notes.append(ctx.t(result.key, **result.fields))
                notes.append(ctx.t("edit.name_kept", name=postit.text))
                recorded[change.new] = _Line(postit.text, True, postit.id)
            else:
                renamed.append(result.text)
                recorded[change.new] = _Line(result.text, True, postit.id)
            continue
        if old is not None and old.created:
            # Its post-it was deleted from the list since: the edit does not bring it back.
            notes.append(ctx.t("edit.was_deleted", name=old.text))
            recorded[change.new] = _Line(line, True, None)
            continue
        count = len(await ctx.tx.postits(ctx.member.id))
        new, problem = await add_name(ctx, line, count)
        if problem:
            notes.append(ctx.t(problem.key, **problem.fields))
        if new is not None:
            added.append(new.text)
        recorded[change.new] = _Line(
            new.text if new else line, new is not None, new.id if new else None
        )
    await _record_lines(ctx, parts[0], recorded)
    summary = [
        *(ctx.t("edit.renamed", name=name) for name in renamed),
        *([ctx.t("edit.added", names=", ".join(added))] if added else []),
        *([ctx.t("edit.removed", names=", ".join(removed))] if removed else []),
        *([ctx.t("edit.kept", names=", ".join(kept))] if kept else []),
    ]
    if not summary and not notes:
        return ctx.t("edit.unchanged")
    return Html("\n".join([*summary, *notes]))


async def _record_lines(ctx: Ctx, first: SourcePart, lines: dict[int, _Line]) -> None:
    """What the edited message now stands for, line by line (the next edit starts from it)."""
    await ctx.tx.forget_sources(first.user_id, first.message_id)
    for number in sorted(lines):
        line = lines[number]
        await ctx.tx.add_source(
            first.user_id,
            first.message_id,
            SourceKind.POSTIT,
            line.text,
            line=number,
            created=line.created,
            member_id=ctx.member.id,
            postit_id=line.postit_id,
        )


# -- answers --------------------------------------------------------------------------------


async def _answer_open(ctx: Ctx, part: SourcePart) -> bool:
    """True while the step the answer belongs to still collects answers privately."""
    round_ = ctx.round
    if round_.closed_at is not None:
        return False
    if part.kind is SourceKind.CONCEPT:
        shared = round_.intro_posted_at is not None and ctx.member.id <= (
            round_.intro_shared_upto or 0
        )
        return not shared
    if part.kind is SourceKind.CARD:
        session = await ctx.tx.deep_session(round_.id, "open")
        return session is not None and session.id == part.session_id
    if part.kind in (SourceKind.CLOSING, SourceKind.ABSENCE):
        return round_.step == Step.CLOSING.value
    if part.kind is SourceKind.REASON:
        return round_.step == Step.PRIORITIES.value
    return False


def _clean(part: SourcePart, text: str, current: str) -> str | Problem:
    """The edited text, checked as the original was (the other pieces count towards limits)."""
    if part.kind is SourceKind.ABSENCE and part.question_id == "description":
        return clean_partner_name(text)
    if part.kind in (SourceKind.ABSENCE, SourceKind.REASON):
        cleaned = clean_answer(text)
        if (
            part.kind is SourceKind.REASON
            and isinstance(cleaned, str)
            and len(cleaned) > MAX_REASON
        ):
            return Problem("priority.reason_too_long", {"length": len(cleaned), "max": MAX_REASON})
        return cleaned
    return clean_answer(text, already=max(len(current) - len(part.text), 0))


async def _edit_answer(tx: Tx, texts: Texts, lang: str, part: SourcePart, text: str) -> Html:
    """Replace this message's piece of an answer."""
    current = await tx.answer_text(part)
    if current is None:
        return texts.t("edit.gone", lang)
    cleaned = _clean(part, text, current)
    if isinstance(cleaned, Problem):
        problem = texts.t(cleaned.key, lang, **cleaned.fields)
        return Html(f"{problem}\n{texts.t('edit.answer_kept', lang)}")
    if cleaned == part.text:
        return texts.t("edit.unchanged", lang)
    if part.kind in (SourceKind.ABSENCE, SourceKind.REASON):
        answer: str | None = cleaned
    else:
        pieces = await tx.answer_parts(part)
        index = next(i for i, piece in enumerate(pieces) if piece.id == part.id)
        answer = replace_part(current, [piece.text for piece in pieces], index, cleaned)
    if answer is None:
        return texts.t("edit.gone", lang)
    await tx.set_answer_text(part, answer)
    await tx.set_source_text(part.id, cleaned)
    return texts.t("edit.answer_changed", lang)


async def _edit_survey_answer(tx: Tx, texts: Texts, part: SourcePart, text: str) -> Html:
    """A member-check answer, while the check is open."""
    assert part.respondent_id is not None
    respondent = await tx.respondent(part.respondent_id)
    check = await tx.member_check(int(respondent.check_id)) if respondent else None
    assert respondent is not None and check is not None  # rows go with their respondent
    lang = (await tx.team(int(check.team_id))).language.value
    if check.closed_at is not None:
        return texts.t("edit.closed", lang)
    return await _edit_answer(tx, texts, lang, part, text)
