"""Find takes what callers say (issue 24, item 4): a licence number with or without dashes,
in lower case, a serial alone; a partial entry that several licences match opens none of
them (the desk lists them), one that names exactly one opens it."""

from __future__ import annotations

import pytest

from ediops import config as config_mod
from ediops.views.find import exact, find
from ediops.vocabulary import licence_prefix
from tests.desk.fixtures import add_batch, add_licence


@pytest.mark.parametrize(
    "said,number",
    [
        ("26AD341002", "26-AD-341002"),
        ("26ad341002", "26-AD-341002"),
        ("26-ad-341002", "26-AD-341002"),
        (" 26 AD 341002 ", "26-AD-341002"),
        ("26AD", "26-AD"),
        ("26AD34", "26-AD-34"),
        ("26", "26"),
        ("26A3", None),
        ("海鸥", None),
        ("26AD3410021", None),
    ],
)
def test_a_licence_number_as_a_caller_says_it(said, number):
    assert licence_prefix(said) == number


def _issuers():
    return [(i.code, i.display_name) for i in config_mod.load().issuers]


@pytest.fixture
def licences(db):
    add_batch(db, "B1", "AD", count=3)
    add_licence(db, "26-AD-341002", batch_id="B1", trader="Haiou Foods")
    add_licence(db, "26-AD-341003", batch_id="B1")
    add_licence(db, "25-AB-341002", batch_id="B1", trader="Dalian Grain")
    return db


@pytest.mark.parametrize("said", ["26AD341002", "26ad341002", "26-ad-341002", "26-AD-341002"])
def test_a_full_number_however_written_opens_its_licence(licences, said):
    hits = find(licences, said, issuers=_issuers())
    assert exact(hits, said).key == "26-AD-341002"


def test_a_serial_alone_lists_every_licence_with_it_and_opens_none(licences):
    hits = find(licences, "341002", issuers=_issuers())
    assert {h.key for h in hits if h.kind == "licence"} == {"26-AD-341002", "25-AB-341002"}
    assert exact(hits, "341002") is None


def test_a_partial_entry_is_listed_and_opens_only_when_one_matches(licences):
    hits = find(licences, "26ad3410", issuers=_issuers())
    assert [h.key for h in hits if h.kind == "licence"] == ["26-AD-341002", "26-AD-341003"]
    assert exact(hits, "26ad3410") is None
    one = find(licences, "26ad341003", issuers=_issuers())
    assert exact(one, "26ad341003").key == "26-AD-341003"
