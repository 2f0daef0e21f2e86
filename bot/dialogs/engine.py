"""The one conversation engine every private conversation runs on.

A conversation (a member's dialog, the principal's map editor, a colleague's member check) is
a table from its typed stage to a `StageDialog`: the screen shown there, what a typed message
does and what a button does. The engine looks the stage up and carries out what the outcome
asks (a stage's opening screens, the current screen again); dialogs never import each other.
The tables themselves are in `router`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar, cast

from .base import Outcome, Screen

C = TypeVar("C")
S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class StageDialog(Generic[C]):
    """What one stage of a conversation does."""

    screen: Callable[[C], Awaitable[Screen]]
    text: Callable[[C, str], Awaitable[Outcome]] | None = None  # None: waits for a button
    button: Callable[[C, str, str], Awaitable[Outcome | None]] | None = None


def fixed(make: Callable[[C], Screen]) -> Callable[[C], Awaitable[Screen]]:
    """A stage screen built without reading anything."""

    async def screen(ctx: C) -> Screen:
        return make(ctx)

    return screen


def on(
    action: str, run: Callable[[C], Awaitable[Outcome]]
) -> Callable[[C, str, str], Awaitable[Outcome | None]]:
    """A stage with one button action; any other tap is stale."""

    async def button(ctx: C, tapped: str, arg: str) -> Outcome | None:
        return await run(ctx) if tapped == action else None

    return button


@dataclass(frozen=True)
class Engine(Generic[C, S]):
    """One conversation: its stage table, how to read a context's stage, and what a typed
    message does on a stage that waits for a button (None: the message is not this
    conversation's, the caller passes it on)."""

    stages: Mapping[S, StageDialog[C]]
    stage_of: Callable[[C], S]
    openings: Mapping[S, Callable[[C], Awaitable[list[Screen]]]] = field(default_factory=dict)
    not_a_text_stage: Callable[[C], Awaitable[list[Screen]]] | None = None

    def _dialog(self, ctx: C) -> StageDialog[C]:
        return self.stages[self.stage_of(ctx)]

    async def current_screen(self, ctx: C) -> Screen:
        """The screen shown when the person comes back (after /start, a restart, a stale tap)."""
        return await self._dialog(ctx).screen(ctx)

    async def resolve(self, ctx: C, outcome: Outcome) -> Outcome:
        """Carry out what the outcome asks of the engine: a stage's opening, the current screen."""
        if outcome.enter is not None:
            outcome.screens += await self.openings[cast(S, outcome.enter)](ctx)
            outcome.enter = None
        if outcome.then_current:
            outcome.screens.append(await self.current_screen(ctx))
            outcome.then_current = False
        return outcome

    async def on_text(self, ctx: C, text: str) -> Outcome | None:
        """A typed message on the current stage; None when this conversation does not take it."""
        dialog = self._dialog(ctx)
        if dialog.text is None:
            if self.not_a_text_stage is None:
                return None
            return Outcome(await self.not_a_text_stage(ctx))
        return await self.resolve(ctx, await dialog.text(ctx, text))

    async def on_button(self, ctx: C, action: str, arg: str) -> Outcome | None:
        """A tapped button; None when it does not fit the current stage (stale)."""
        dialog = self._dialog(ctx)
        outcome = await dialog.button(ctx, action, arg) if dialog.button else None
        return await self.resolve(ctx, outcome) if outcome is not None else None
