"""Modal prompts: a reason or note for an audited action, or one of a few choices."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ediops.i18n import _
from ..kit.words import Localised
from ..kit.safe import safe


class ReasonDialog(Localised, ModalScreen[str | None]):
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
                value=self.default, placeholder=_("reason") if self.required else "note (optional)", id="dialog-input"
            )
            field.cursor_blink = False
            yield field
            yield Static(_("enter: confirm · escape: cancel"), id="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#dialog-hint", Static).update(safe("a reason is required", "bold red"))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(Localised, ModalScreen[str | None]):
    """Picks one of a few (id, label) choices; enter picks, escape cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="ticket_choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, Text]]):
        super().__init__()
        self.choice_title, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="choice"):
            yield Static(Text(self.choice_title, style="bold"))
            yield OptionList(*(Option(label, id=key) for key, label in self.choices), id="choice-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Localised, ModalScreen[bool]):
    """Asks yes or no about something that cannot be undone, saying what it does: y or enter
    for yes, n or escape for no."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("y,enter,ctrl+q", "answer(True)", "Yes", id="confirm.yes", priority=True),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, what: str, *, yes: str = "yes"):
        super().__init__()
        self.confirm_title, self.what, self.yes = title, what, yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(safe(self.confirm_title, "bold"), id="dialog-title")
            yield Static(safe(self.what), id="dialog-subject")
            yield Static(_("y or enter: {yes} · n or escape: stay").format(yes=self.yes), id="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
