"""Modal prompts: a reason or note for an audited action."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ediops.screens.safe import safe


class ReasonDialog(ModalScreen[str | None]):
    """Asks for the reason (or note) of an action; enter confirms, escape cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, subject: str, *, default: str = "", required: bool = True):
        super().__init__()
        self.prompt_title, self.subject = title, subject
        self.default, self.required = default, required

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe(self.prompt_title, "bold"), id="dialog-title")
            yield Static(safe(self.subject), id="dialog-subject")
            field = Input(
                value=self.default, placeholder="reason" if self.required else "note (optional)", id="dialog-input"
            )
            field.cursor_blink = False
            yield field
            yield Static("enter: confirm · escape: cancel", id="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#dialog-hint", Static).update(safe("a reason is required", "bold red"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
