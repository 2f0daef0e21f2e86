"""What a dialog gives back: screens (text + buttons) and effects, with no Telegram types."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from bot.callbacks import is_id as is_id
from core.model import Member, Round, Team
from core.protocol import Stage, can_enter
from prompts import Html, Texts
from storage.store import Tx

E = TypeVar("E", bound=Enum)


class StaleButton(Exception):
    """A button whose action or argument does not fit (forged, garbled, from an older version
    of the bot). Raised where a dialog reads its argument; the transaction rolls back and the
    person gets the calm "old button" answer, nothing is logged as an error."""


def parse_enum(kind: type[E], raw: str) -> E:
    """The enum member a button's argument names; StaleButton for anything else."""
    try:
        return kind(int(raw) if issubclass(kind, int) and is_id(raw) else raw)
    except ValueError:
        raise StaleButton(f"{kind.__name__}: {raw!r}") from None


def parse_id(raw: str) -> int:
    """An id (or page number) a button carries; StaleButton for anything that is not one."""
    if not is_id(raw):
        raise StaleButton(f"not an id: {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Button:
    """An inline button: either an action of the member's dialog or a link."""

    label: str
    action: str = ""
    arg: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Screen:
    """One message to send: HTML text and rows of buttons (buttons only on the last screen)."""

    text: Html
    rows: tuple[tuple[Button, ...], ...] = ()

    @property
    def has_actions(self) -> bool:
        """True when a button on this screen triggers a dialog action."""
        return any(button.action for row in self.rows for button in row)


@dataclass
class Outcome:
    """The answer to one user action, decided inside its transaction."""

    screens: list[Screen] = field(default_factory=list)
    toast: str | None = None
    # The group's progress counts changed (someone joined, finished or reopened).
    progress_changed: bool = False
    # The member just finished step 1's questions: maybe everyone has, and the group may see them.
    intro_finished: bool = False
    # The screen number the last screen's buttons carry (set when the screen is committed).
    seq: int = 0
    # The member was moved to this stage: the engine adds its opening screens.
    enter: Stage | None = None
    # After these screens, the engine shows the member's current screen again.
    then_current: bool = False
    # The first screen replaces the tapped message (a partner's question becomes the next
    # question, then the confirmation: one message per partner) instead of a new message.
    replace: bool = False


@dataclass
class TeamCtx:
    """A transaction, the texts, and the team and round being talked about."""

    tx: Tx
    texts: Texts
    team: Team
    round: Round

    @property
    def lang(self) -> str:
        """The team's language."""
        return self.team.language.value

    def t(self, key: str, /, **fields: object) -> Html:
        """Render an HTML prompt in the team's language."""
        return self.texts.t(key, self.lang, **fields)

    def plain(self, key: str, /, **fields: object) -> str:
        """Render a plain-text prompt (button labels, toasts) in the team's language."""
        return self.texts.plain(key, self.lang, **fields)


@dataclass
class Ctx(TeamCtx):
    """Everything a member's dialog step needs: TeamCtx plus the member who is talking."""

    member: Member

    async def move(self, stage: Stage, **fields: object) -> None:
        """Put the member on another stage; the protocol table must allow it."""
        current = Stage(self.member.stage)
        if not can_enter(current, stage):
            raise RuntimeError(f"member {self.member.id}: {current.value} -> {stage.value}")
        self.member = await self.tx.update_member(self.member.id, stage=stage, **fields)

    async def update(self, **fields: object) -> None:
        """Change member fields other than the stage."""
        self.member = await self.tx.update_member(self.member.id, **fields)


# Button labels stay short enough for a phone screen.
MAX_LABEL = 40


def short_label(text: str, limit: int = MAX_LABEL) -> str:
    """A button label: the text, cut with an ellipsis when it would not fit on a phone."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cut_in_the_middle(text: str, limit: int) -> str:
    """'stageplaatsen (bedri…, zorginstellingen)': the start and the end, which tell apart two
    long names that begin alike."""
    keep = limit - 1
    head = keep // 2
    return text[:head].rstrip() + "…" + text[len(text) - (keep - head) :].lstrip()


def distinct_labels(texts: Sequence[str], limit: int = MAX_LABEL) -> list[str]:
    """Button labels for the names on one screen: each fits a phone, and no two look the same.
    A long name that would look like another is cut in the middle instead of at the end; what
    still looks alike (two partners written the same) is numbered: "CLB (1)", "CLB (2)"."""
    labels = [short_label(text, limit) for text in texts]
    counts = Counter(labels)
    if len(counts) == len(labels):
        return labels
    labels = [
        _cut_in_the_middle(text, limit) if counts[label] > 1 and len(text) > limit else label
        for text, label in zip(texts, labels, strict=True)
    ]
    counts = Counter(labels)
    taken = set(labels)
    seen: Counter[str] = Counter()
    for i, label in enumerate(labels):
        if counts[label] < 2:
            continue
        while True:
            seen[label] += 1
            suffix = f" ({seen[label]})"
            numbered = short_label(label, limit - len(suffix)) + suffix
            if numbered not in taken:
                break
        taken.add(numbered)
        labels[i] = numbered
    return labels


def rows(*buttons: Button, per_row: int = 1) -> tuple[tuple[Button, ...], ...]:
    """Lay buttons out in rows of per_row."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
