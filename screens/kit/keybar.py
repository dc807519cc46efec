"""The desk's footer: one line of keys, Quit and Keys first so a narrow terminal (80x24) cuts
the screen's own keys, never the way out or the way to the full list (`?`).

Why not Textual's Footer: it builds a widget per key and rebuilds them all at every focus
change, before the first frame too (bench/NOTES.md); this is one Static redrawn only when its
text changes."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from ..kit.widgets import show_text

FIRST = ("desk.quit", "desk.keys")  # binding ids shown before every other key
GAP = "  "


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

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.draw()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if screen is self.screen:
            self.call_after_refresh(self.draw)

    def entries(self) -> list[tuple[str, str, bool]]:
        shown = [(b, enabled) for (_, b, enabled, _) in self.screen.active_bindings.values() if b.show]
        order = {binding_id: i for i, binding_id in enumerate(FIRST)}
        shown.sort(key=lambda item: order.get(item[0].id, len(order)))  # stable: the rest keep their order
        seen, entries = set(), []
        for binding, enabled in shown:
            if binding.action in seen:  # two keys for one action: the first is enough here
                continue
            seen.add(binding.action)
            entries.append((self.app.get_key_display(binding), binding.description, enabled))
        return entries

    def draw(self) -> None:
        if not self.is_attached or self.parent is None:  # its screen closed before this ran
            return
        show_text(self, key_text(self.entries(), self.get_component_rich_style("key-bar--key")), layout=False)
