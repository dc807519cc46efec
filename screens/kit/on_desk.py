"""What a desk screen or mixin may assume of the app it runs in: the DeskApp (its store path,
clock, config, operator and role, its open_* and refuse methods), for mypy. At run time the
class adds nothing: its base is `object`, and the screen it is mixed into is the MessagePump."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual import getters
    from textual.message_pump import MessagePump as _Base

    from ..shell.app import DeskApp
else:
    _Base = object


class OnDesk(_Base):
    if TYPE_CHECKING:
        app = getters.app(DeskApp)
