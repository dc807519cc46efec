"""The desk in Chinese (docs/languages.md): at 80x24 and 100x30 the home screen and the main
screens show no English word but codes, numbers, keys and the operators' own names; no line
is wider than the terminal; long Chinese names and hostile text are cut by cells with the
borders in place; `--lang en` is the English desk. Snapshots of the Chinese home screen."""

from __future__ import annotations

import re
import shutil

import pytest
from rich.cells import cell_len

from ediops import config as config_mod
from ediops import i18n, store
from ediops.clock import Clock
from ediops.vocabulary import WINDOWS
from tests.desk.conftest import messages, press_and_settle, settle
from tests.desk.fixtures import NOW, populate

SIZES = [(80, 24), (100, 30)]
SCREENS = {
    "home": [],
    "urgent": ["u"],
    "findings": ["m"],
    "tickets": ["t"],
    "windows": ["w"],
    "alerts": ["!"],
    "licence": ["2", "enter"],  # the urgent pane's first licence: its fields, story, findings
    "ticket": ["t", "enter"],
}
LONG_NAME = "青岛海鸥食品进出口有限公司（山东省青岛市崂山区株洲路一百八十七号）"
HOSTILE = "[红]海鸥[/红]\x1b[31m红\u202e字\x07"
# ASCII words a Chinese desk may show: key names, the operators' and hosts' own names (data),
# the windows' names (codes of the command line) and Textual's scroll marks.
ALLOWED = {"esc", "ctrl", "tab", "enter", "shift", "space", "pgup", "pgdn", "alice", "bob", "host", "duty"}
ALLOWED |= {part for window in WINDOWS for part in window.split("-")} | set(WINDOWS)


def _chinese_config(tmp_path):
    """The bundled configuration with the issuers' and windows' names in Chinese (a centre's own)."""
    folder = tmp_path / "config"
    folder.mkdir()
    peers = (config_mod.BUNDLED / "peers.toml").read_text("utf-8")
    peers = re.sub(r'^name = "[^"]*"', 'name = "发证机构特派员办事处"', peers, flags=re.M)
    (folder / "peers.toml").write_text(peers, "utf-8")
    windows = (config_mod.BUNDLED / "windows.toml").read_text("utf-8")
    (folder / "windows.toml").write_text(re.sub(r'description = "[^"]*"', 'description = "定时传输"', windows), "utf-8")
    shutil.copy(config_mod.BUNDLED / "roles.toml", folder / "roles.toml")
    return config_mod.load(folder)


@pytest.fixture
def chinese_db(db):
    """The desk's usual store with the outside text in Chinese: long trader names, callers,
    organisations, and a hostile name (markup, escape, bidi override, bell)."""
    populate(db)
    with store.write(db):
        db.execute("UPDATE licences SET trader_name = ?", [LONG_NAME])
        db.execute("UPDATE licences SET trader_name = ? WHERE licence_no = '00-AB-000011'", [HOSTILE])
        db.execute("UPDATE licences SET commodity_name = '玉米', trade_mode = '一般贸易'")
        db.execute('UPDATE findings SET detail = \'{"note": "测试数据"}\'')
        db.execute("UPDATE tickets SET caller = '王小明', org = ?, text = '来电询问'", [LONG_NAME])
        db.execute("UPDATE window_runs SET detail = '海关暂时无法连接'")
        db.execute("UPDATE peer_health SET last_error = '连接被拒绝' WHERE last_error IS NOT NULL")
    return db


def _app(db_path, config, language: str):
    from ediops.screens.shell.app import DeskApp

    i18n.use(language)
    return DeskApp(db_path=db_path, config=config, clock=Clock(NOW, frozen=True), actor="alice", role="duty")


def screen_lines(app) -> list[str]:
    """What the terminal shows, line by line (the compositor's full frame)."""
    update = app.screen._compositor.render_update(full=True)
    return ["".join(segment.text for strip in line for segment in strip) for line in update.strips]


def english_words(lines: list[str]) -> list[str]:
    """ASCII words that are not codes (FEED_LATE, AA), numbers or ids (00-AA-000010, T-000001)."""
    found = []
    for line in lines:
        for word in re.findall(r"[A-Za-z][A-Za-z0-9_-]*", line):
            if re.search(r"\d", word) or re.fullmatch(r"[A-Z][A-Z0-9_]*", word) or len(word) == 1:
                continue
            if not all(part in ALLOWED or len(part) == 1 for part in word.lower().split("-")):
                found.append(word)
    return found


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
async def test_the_chinese_desk_shows_no_english_and_fits_the_terminal(chinese_db, db_path, tmp_path, name, size):
    app = _app(db_path, _chinese_config(tmp_path), "zh")
    async with app.run_test(size=size) as pilot:
        await settle(pilot, rounds=3)
        await press_and_settle(pilot, *SCREENS[name])
        lines = screen_lines(app)
    assert len(lines) == size[1]
    assert [cell_len(line) for line in lines] == [size[0]] * size[1]
    assert english_words(lines) == [], "\n".join(lines)
    assert re.search(r"[\u4e00-\u9fff]", "".join(lines))
    assert not any(c in "".join(lines) for c in "\x1b\x07\u202e")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_long_chinese_names_are_cut_by_cells_and_the_borders_stay(chinese_db, db_path, tmp_path, size):
    app = _app(db_path, _chinese_config(tmp_path), "zh")
    async with app.run_test(size=size) as pilot:
        await settle(pilot, rounds=3)
        await press_and_settle(pilot, "u")
        lines = screen_lines(app)
    body = [line for line in lines if line.startswith("│")]
    assert body and all(line.endswith("│") for line in body), "\n".join(lines)
    names = [line for line in body if "青岛" in line]
    assert names and all(cell_len(line) == size[0] for line in names)
    if size[0] >= 100:  # room for the trader column: the name cut with an ellipsis, never half a character
        assert all("青岛海鸥" in line and "…" in line for line in names), "\n".join(names)


async def test_lang_en_gives_the_english_desk(chinese_db, db_path, tmp_path):
    app = _app(db_path, _chinese_config(tmp_path), "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, rounds=3)
        text = "\n".join(screen_lines(app))
    assert "Urgent licences" in text and "Quit" in text and "急证" not in text and "退出" not in text


async def test_the_keys_panel_and_the_palette_speak_chinese(chinese_db, db_path, tmp_path):
    app = _app(db_path, _chinese_config(tmp_path), "zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=3)
        await press_and_settle(pilot, "question_mark")
        keys = "\n".join(screen_lines(app))
        await press_and_settle(pilot, "question_mark", "ctrl+p")
        palette = "\n".join(screen_lines(app))
    assert "退出" in keys and "下一栏" in keys and "Focus" not in keys
    assert "搜索命令" in palette and "急证队列" in palette


async def test_the_palettes_no_match_line_and_the_ctrl_c_hint_speak_chinese(chinese_db, db_path, tmp_path):
    """The two lines Textual itself writes in English: a search that matches nothing, and the
    hint ctrl+c gives (it does not quit)."""
    app = _app(db_path, _chinese_config(tmp_path), "zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=3)
        await press_and_settle(pilot, "ctrl+c")
        hint = "\n".join(messages(app))
        await press_and_settle(pilot, "ctrl+p", *"zzqx")  # no command, licence or name has these
        await pilot.pause(0.8)  # the palette says so after 0.5 s
        await settle(pilot)
        palette = "\n".join(screen_lines(app))
    assert hint == "要退出吗？: 按 q 退出值班台"
    assert "没有匹配的命令" in palette and "No matches" not in palette


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["home", "urgent", "findings", "tickets"])
def test_snapshot_of_the_chinese_desk(snap_compare, chinese_db, db_path, tmp_path, name, size):
    app = _app(db_path, _chinese_config(tmp_path), "zh")

    async def run_before(pilot):
        await settle(pilot, rounds=3)
        await press_and_settle(pilot, *SCREENS[name])

    assert snap_compare(app, terminal_size=size, run_before=run_before)
