"""The orgs an org may see are remembered by the key service until sharing changes: a change
through the same service applies at once, one announced by another process (forget_all)
too, and nothing is remembered while the shared state is down."""

from __future__ import annotations

from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.keys import KeyService


def test_a_sharing_change_applies_at_once(driver: Driver, settings: Settings) -> None:
    keys = KeyService(driver, settings.neo4j_database)
    assert keys.visible_orgs("a") == {"a"}
    keys.share("b", "a")
    assert keys.visible_orgs("a") == {"a"}  # offered, not accepted
    keys.accept_share("a", "b")
    assert keys.visible_orgs("a") == {"a", "b"}
    keys.end_incoming("a", "b")
    assert keys.visible_orgs("a") == {"a"}


def test_another_process_change_applies_when_announced(driver: Driver, settings: Settings) -> None:
    here = KeyService(driver, settings.neo4j_database)
    there = KeyService(driver, settings.neo4j_database)  # another API process
    assert here.visible_orgs("a") == {"a"}
    there.share("b", "a")
    there.accept_share("a", "b")
    assert there.visible_orgs("a") == {"a", "b"}
    here.forget_all()  # what hearing the announcement of the change does
    assert here.visible_orgs("a") == {"a", "b"}


def test_nothing_is_remembered_while_the_shared_state_is_down(
    driver: Driver, settings: Settings
) -> None:
    here = KeyService(driver, settings.neo4j_database)
    there = KeyService(driver, settings.neo4j_database)
    here.trust_active = lambda: False  # Redis down: no announcements reach this process
    assert here.visible_orgs("a") == {"a"}
    there.share("b", "a")
    there.accept_share("a", "b")
    assert here.visible_orgs("a") == {"a", "b"}
