"""The desk's footer: one line of keys that leads with the screen's own actions, then the item
actions (forward, phone...), then the rest; `?` Keys and `q` Quit stand at its end and are
never cut: a narrow terminal (80x24) cuts the keys before them, with an ellipsis.

Why not Textual's Footer: it builds a widget per key and rebuilds them all at every focus
change, before the first frame too (bench/NOTES.md); this is one Static redrawn only when its
text changes."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..kit.widgets import show_text
from ..kit.cells import cut

PINNED = ("desk.keys", "desk.quit")  # binding ids at the end of the line, never cut
ITEM_ACTIONS = ("desk.forward", "desk.phone", "desk.escalate", "desk.resolve", "desk.new_ticket")
OWN = ("desk.resend",)  # shared by a few screens, but where it is, it is the hotline's first key
SHARED = ("desk.", "marks.", "filter.")  # ids of keys every screen has: after the screen's own
GAP = "  "


def rank(binding_id: str | None) -> int:
    """0: the screen's own action; 1: an item action; 2: any other key; 3: pinned at the end."""
    if binding_id in PINNED:
        return 3
    if binding_id in ITEM_ACTIONS:
        return 1
    if binding_id in OWN or (binding_id and not binding_id.startswith(SHARED)):
        return 0
    return 2


def key_text(entries: list[tuple[str, str, bool]], key_style: Style | str = "bold") -> Text:
    """`entries`: (key as shown, description, enabled); disabled keys are dim."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    for key, description, enabled in entries:
        if line:
            line.append(GAP)
        line.append(key, style=key_style if enabled else "dim")
        line.append(" " + description, style="" if enabled else "dim")
    return line


class KeyBar(Static):
    COMPONENT_CLASSES = {"key-bar--key"}
    DEFAULT_CSS = """
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    KeyBar {
        dock: bottom;
        height: 1;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    _queued = False  # a draw is asked for after the next refresh

    def on_mount(self) -> None:
        """Drawn at its first Resize, once it has a width (not here too: five draws came before
        the first frame, bench/NOTES.md)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        """Bindings change in bursts (focus, mount, a check): one draw after them."""
        if screen is self.screen and not self._queued:
            self._queued = True
            self.call_after_refresh(self._queued_draw)

    def _queued_draw(self) -> None:
        self._queued = False
        self.draw()

    def entries(self) -> list[tuple[str, str, bool, bool]]:
        """(key, description, enabled, pinned at the end) of every key shown, in order."""
        shown = [(b, enabled) for (_, b, enabled, _) in self.screen.active_bindings.values() if b.show]
        shown.sort(key=lambda item: (rank(item[0].id), PINNED.index(item[0].id) if item[0].id in PINNED else 0))
        seen, entries = set(), []
        for binding, enabled in shown:
            if binding.action in seen:  # two keys for one action: the first is enough here
                continue
            seen.add(binding.action)
            entries.append((self.app.get_key_display(binding), binding.description, enabled, binding.id in PINNED))
        return entries

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        if not self.is_attached or self.parent is None:  # its screen closed before this ran
            return
        style = self.get_component_rich_style("key-bar--key")
        entries = self.entries()
        lead = key_text([e[:3] for e in entries if not e[3]], style)
        end = key_text([e[:3] for e in entries if e[3]], style)
        room = self.content_region.width - end.cell_len - len(GAP)
        if self.content_region.width and lead.cell_len > room:
            lead = cut(lead, max(0, room))
        show_text(self, Text(GAP, end="").join(t for t in (lead, end) if t), layout=False)
