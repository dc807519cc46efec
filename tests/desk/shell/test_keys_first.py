"""Keys where the eye is (issue 24, item 5): each screen's footer leads with its own actions
(the licence detail: Paper check, Statement, Resend), `?` Keys and `q` Quit stay at its end
uncut at 80 columns; the keys panel lists the screen's actions before scrolling and focus."""

from __future__ import annotations

from textual.widgets import HelpPanel

from tests.desk.conftest import press_and_settle, settle


async def test_the_licence_detail_footer_leads_with_its_own_keys(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_licence("00-AA-000001")
        await settle(pilot)
        footer = str(app.screen.query_one("KeyBar").render())
        assert footer.lstrip().startswith("s Resend  c Paper check  d Statement"), footer
        assert footer.rstrip().endswith("? Keys  q Quit"), footer
        order = [app.screen.active_bindings[k].binding.id for k in app.screen.active_bindings]
        assert order.index("licence.statement") < order.index("desk.quit")
        await press_and_settle(pilot, "question_mark")
        assert app.screen.query(HelpPanel)
        first = next(iter(app.screen.active_bindings.values()))
        assert first.node is app.screen and first.binding.id == "desk.resend"
