"""The cut of licences into forwards (store.forwards.to_forward) depends on what received
them, not on when the cut is made: a standby that cuts later, with more licences waiting,
makes the same forwards under the same keys for those the lost site had cut."""

from __future__ import annotations

from ediops.store import forwards

from tests.support.store import put_licence

NOON, LATER = "2000-10-09T12:00:00+08:00", "2000-10-09T12:00:05+08:00"


def _batch(db, batch_id: str, numbers: list[str], *, at: str, urgent: bool = False) -> None:
    for number in numbers:
        put_licence(db, number, at=at, urgent=urgent)
    db.execute(
        "UPDATE licences SET batch_id = ? WHERE licence_no IN ({})".format(",".join("?" * len(numbers))),
        [batch_id, *numbers],
    )


def test_a_later_cut_keeps_the_earlier_forwards(db):
    _batch(db, "B1", ["IL2000AA0003", "IL2000AA0001", "IL2000AA0002"], at=NOON)
    first = forwards.to_forward(db, "waiting", size=2)
    _batch(db, "B2", ["IL2000AA0000", "IL2000AA0009"], at=LATER)
    _batch(db, "U1", ["IL2000AA0005"], at=LATER, urgent=True)
    later = forwards.to_forward(db, "waiting", size=2)
    assert first == [
        (first[0][0], ["IL2000AA0001", "IL2000AA0002"]),
        (first[1][0], ["IL2000AA0003"]),
    ]
    assert later[0][1] == ["IL2000AA0005"]  # urgent first, on its own
    assert later[1:3] == first  # B1 cut as before: B2's licences, though lower, join no B1 forward
    assert later[3][1] == ["IL2000AA0000", "IL2000AA0009"]
    assert len({key for key, _ in later}) == 4 and all(key.startswith("forward-") for key, _ in later)


def test_a_licence_customs_refused_is_a_new_sending(db):
    _batch(db, "B1", ["IL2000AA0001"], at=NOON)
    [(key, _)] = forwards.to_forward(db, "licence", ["IL2000AA0001"], size=500)
    assert forwards.to_forward(db, "waiting", size=500) == [(key, ["IL2000AA0001"])]  # same sending, same key
    forwards.add_forward(db, key, ["IL2000AA0001"], at=NOON, urgent=True)
    db.execute("UPDATE licences SET state = 'rejected' WHERE licence_no = 'IL2000AA0001'")
    [(again, _)] = forwards.to_forward(db, "licence", ["IL2000AA0001"], size=500)
    assert again != key


def test_keys_name_their_kind():
    assert forwards.derived_key("ack", "B1", 0, {"a": 1}) == forwards.derived_key("ack", "B1", 0, {"a": 1})
    assert forwards.derived_key("ack", "B1", 1, {"a": 1}) != forwards.derived_key("ack", "B1", 0, {"a": 1})
    assert forwards.derived_key("relay", "h").startswith("relay-")
