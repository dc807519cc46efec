"""The licence card a hotline operator reads out counts the earlier tickets, never the ticket
on screen itself (issue 24, item 3: a first ticket's card said "1 earlier ticket(s)")."""

from __future__ import annotations

from tests.desk.fixtures import NOW, add_batch, add_licence, add_ticket
from ediops.views.licence_story import licence_story


def test_earlier_tickets_exclude_the_ticket_shown_and_later_ones(db):
    add_batch(db, "B1", "AA")
    add_licence(db, "00-AA-000001", batch_id="B1")
    assert licence_story(db, "00-AA-000001", now=NOW)["tickets"] == 0  # the form, before the first ticket
    add_ticket(db, "T-000001", minutes_ago=30, licence_no="00-AA-000001")
    assert licence_story(db, "00-AA-000001", now=NOW, ticket_id="T-000001")["tickets"] == 0
    add_ticket(db, "T-000002", minutes_ago=10, licence_no="00-AA-000001")
    assert licence_story(db, "00-AA-000001", now=NOW, ticket_id="T-000002")["tickets"] == 1
    assert licence_story(db, "00-AA-000001", now=NOW, ticket_id="T-000001")["tickets"] == 0
    assert licence_story(db, "00-AA-000001", now=NOW)["tickets"] == 2  # a new call: both are earlier
    assert licence_story(db, "00-ZZ-000001", now=NOW, ticket_id="T-000001")["tickets"] == 0  # never accepted
