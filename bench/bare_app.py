"""The baseline for the desk's first frame: a minimal Textual app showing the four pane
titles of the home screen, started and timed exactly as the desk is."""

from textual.app import App, ComposeResult
from textual.containers import Grid
from textual.widgets import Footer, Header, Static

TITLES = ("Issuer feeds", "Urgent licences", "Mismatches", "Hotline tickets")


class BareApp(App):
    CSS = "Grid { grid-size: 2 2; } Static { border: round $accent; }"

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid():
            for title in TITLES:
                yield Static(title)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
