"""When each step of an alert is due (pure functions over a rule and the alert's progress).

Step k is due `after_minutes` after the alert opened; after the last step, that step again
every `repeat_minutes`. A leader that was down across several steps sends every step it
missed (none is dropped), but only the latest of the repeats it missed (one reminder, not a
burst of them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ediops.alerts.config import Rule


@dataclass(frozen=True)
class Send:
    step: int  # 1-based
    round: int  # 0: the step itself; n: its nth repeat
    channels: tuple[str, ...]
    due_at: datetime


@dataclass(frozen=True)
class Progress:
    next_step: int  # 0-based; len(steps): repeats of the last step
    next_round: int
    next_due_at: datetime | None


def first_due(rule: Rule, opened_at: datetime, *, escalated: bool) -> Progress:
    """A new alert: its first step, or straight the last one when an operator escalated."""
    if escalated:
        return Progress(len(rule.steps) - 1, 0, opened_at)
    return Progress(0, 0, opened_at + timedelta(minutes=rule.steps[0].after_minutes))


def plan(rule: Rule, opened_at: datetime, progress: Progress, now: datetime) -> tuple[list[Send], Progress]:
    """The sends due by `now`, and the alert's progress after them."""
    steps, repeat = rule.steps, timedelta(minutes=rule.repeat_minutes)
    # a negative step is an operator's escalation: straight to the last step
    step = len(steps) - 1 if progress.next_step < 0 else min(progress.next_step, len(steps))
    round_, due = progress.next_round, progress.next_due_at
    sends: list[Send] = []
    while due is not None and due <= now:
        if step < len(steps):
            sends.append(Send(step + 1, 0, steps[step].notify, due))
            step += 1
            if step < len(steps):
                due = max(due, opened_at + timedelta(minutes=steps[step].after_minutes))
            else:
                round_, due = 1, (due + repeat if repeat else None)
        else:
            while due + repeat <= now:  # missed repeats: only the latest goes
                due += repeat
                round_ += 1
            sends.append(Send(len(steps), round_, steps[-1].notify, due))
            round_, due = round_ + 1, due + repeat
    return sends, Progress(step, round_, due)
