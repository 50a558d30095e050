"""The webhook receiver's verdicts (pure): a well-signed delivery is printed and answered, a
missing or wrong signature is flagged and answered 401, a body that is not a query document 400."""

from __future__ import annotations

import orjson

from trace_engine.subscriptions.delivery import document_body
from trace_engine.subscriptions.receiver import describe
from trace_engine.subscriptions.signing import HEADER, sign

TOKEN = "receiver-token"


def _body(events: list[dict[str, str]]) -> bytes:
    document = orjson.loads(document_body([], "shipped", "sub-1"))
    document["epcisBody"]["queryResults"]["resultsBody"]["eventList"] = events
    return orjson.dumps(document)


def test_a_signed_delivery_is_verified_printed_and_answered() -> None:
    events = [{"type": "ObjectEvent", "eventID": f"urn:uuid:{n}", "bizStep": "shipping"}
              for n in range(25)]  # fmt: skip
    body = _body(events)
    verdict = describe(body, {HEADER: sign(TOKEN, body)}, TOKEN)
    assert verdict.status == 200
    head = verdict.lines[0]
    assert "signature verified" in head and "subscription sub-1" in head
    assert "query shipped" in head and "25 event(s)" in head
    assert "urn:uuid:0" in verdict.lines[1] and "shipping" in verdict.lines[1]
    assert verdict.lines[-1] == "  … and 5 more"
    # the header's name is case-insensitive; --status answers well-signed deliveries
    assert describe(body, {HEADER.lower(): sign(TOKEN, body)}, TOKEN, status=500).status == 500


def test_bad_or_missing_signatures_are_flagged_and_refused() -> None:
    body = _body([])
    bad = describe(body, {HEADER: sign("another-token", body)}, TOKEN)
    assert bad.status == 401 and "BAD SIGNATURE" in bad.lines[0]
    tampered = describe(body + b" ", {HEADER: sign(TOKEN, body)}, TOKEN)
    assert tampered.status == 401 and "BAD SIGNATURE" in tampered.lines[0]
    missing = describe(body, {}, TOKEN)
    assert missing.status == 401 and "NO SIGNATURE" in missing.lines[0]
    assert missing.lines[-1] == "  answered 401"
    unchecked = describe(body, {}, None)
    assert unchecked.status == 200 and "unsigned" in unchecked.lines[0]


def test_a_body_that_is_not_a_query_document_is_answered_400() -> None:
    for body in (b"not json", b'{"epcisBody": {}}', b"[]"):
        verdict = describe(body, {HEADER: sign(TOKEN, body)}, TOKEN)
        assert verdict.status == 400, body
        assert "not an EPCISQueryDocument" in verdict.lines[0]


def test_the_commands_help_says_what_they_take_and_answer() -> None:
    from typer.testing import CliRunner

    from trace_engine.cli import app

    runner = CliRunner()
    receiver = runner.invoke(app, ["webhook-receiver", "--help"])
    assert receiver.exit_code == 0
    for words in ("--port", "--token", "401", "SIGNATURE", "--status"):
        assert words in receiver.output, words
    test = runner.invoke(app, ["subscriptions", "test", "--help"])
    assert test.exit_code == 0 and "SUBSCRIPTION_ID" in test.output and "2xx" in test.output
    listed = runner.invoke(app, ["subscriptions", "--help"])
    assert "subscriptionID" in listed.output and "list" in listed.output
