"""The enterprise listings' pure parts: batch status derivation, readiness, the cocoa seed."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import orjson
from hypothesis import given
from hypothesis import strategies as st

from trace_engine.enterprise.readiness import (
    Decision,
    LotFacts,
    Transformation,
    compute_readiness,
)
from trace_engine.enterprise.status import (
    BatchFacts,
    BatchStatus,
    Collection,
    batch_row,
    derive_status,
    to_kilograms,
)
from trace_engine.seed import cocoa
from trace_engine.seed.validation import default_schema_path, schema_errors

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


def collection(event_id: str, time: str, *quantities: tuple[float, str]) -> Collection:
    return Collection(event_id, time, time, "414/farm", "417/agent", tuple(quantities))


def test_status_is_the_furthest_stage_reached() -> None:
    one = (collection("e1", "2024-01-01T00:00:00.000Z", (10.0, "KGM")),)
    assert derive_status(BatchFacts("lot", one)) is BatchStatus.COLLECTING
    assert derive_status(BatchFacts("lot", one, later_events=1)) is BatchStatus.COMPLETED
    assert derive_status(BatchFacts("lot", one, aggregated=True)) is BatchStatus.AGGREGATED
    # shipped outranks everything, even without an intermediate event on the lot itself
    assert derive_status(BatchFacts("lot", one, shipped=True)) is BatchStatus.SHIPPED


def test_a_row_sums_weights_in_kilograms_and_bags_from_every_collection() -> None:
    facts = BatchFacts(
        "lot",
        (
            collection("e2", "2024-01-02T00:00:00.000Z", (0.5, "TNE"), (8, "XBG")),
            collection("e1", "2024-01-01T00:00:00.000Z", (250.0, "KGM"), (4, "BG"), (3, "CS")),
        ),
    )
    row = batch_row(facts)
    assert row is not None
    assert row.total_weight == 750.0 and row.bag_count == 12
    assert row.collected_at == "2024-01-01T00:00:00.000Z"  # the first collection
    assert row.collection_events == ["e1", "e2"]
    assert batch_row(BatchFacts("lot", ())) is None


def test_weights_convert_exactly_and_refuse_non_weights() -> None:
    assert to_kilograms(1500, "GRM") == D("1.5")
    assert to_kilograms(2, "lbr") == D("0.90718474")
    assert to_kilograms(3, "CS") is None and to_kilograms(3, None) is None


def _chain() -> dict[str, LotFacts]:
    """Two containers: C1 holds bags of a bulk lot made of batches from farms A and B;
    C2 holds a lot of farm C directly."""
    return {
        "C1": LotFacts("C1", children=("bag1", "bag2")),
        "bag1": LotFacts(
            "bag1",
            made_by=(Transformation("t2", (("bulk", D(100)),), (("bag1", None), ("bag2", None))),),
        ),
        "bag2": LotFacts(
            "bag2",
            made_by=(Transformation("t2", (("bulk", D(100)),), (("bag1", None), ("bag2", None))),),
        ),
        "bulk": LotFacts(
            "bulk", made_by=(Transformation("t1", (("a", D(30)), ("b", D(70)))),), weight=D(100)
        ),
        "a": LotFacts("a", batches=(("farmA", D(30)),)),
        "b": LotFacts("b", batches=(("farmB", D(70)),)),
        "C2": LotFacts("C2", children=("c",)),
        "c": LotFacts("c", batches=(("farmC", D(25)),)),
    }


def test_weight_flows_upstream_in_proportion() -> None:
    lots = _chain()
    result = compute_readiness(
        [("C1", None), ("C2", None)],
        lots,
        {"farmA": "approved", "farmB": "pending", "farmC": "approved"},
    )
    assert result.total_weight == 125
    assert {f.farm_id: f.weight for f in result.farms} == {
        "farmA": 30,
        "farmB": 70,
        "farmC": 25,
    }
    assert result.score == math.floor(100 * 55 / 125) == 44
    assert result.decision is Decision.PENDING
    assert result.total_items == 3  # two bags and the lot of farm C
    rejected = compute_readiness(
        [("C2", None), ("C1", None)], lots, {"farmA": "rejected", "farmC": "approved"}
    )
    assert rejected.decision is Decision.NO_GO
    clean = compute_readiness([("C2", None)], lots, {"farmC": "approved"})
    assert (clean.score, clean.decision) == (100, Decision.GO)
    threshold = compute_readiness(
        [("C1", None)], lots, {"farmA": "approved", "farmB": "approved"}, 90
    )
    assert threshold.decision is Decision.GO


def test_untraced_weight_counts_against_the_score_and_cycles_end() -> None:
    lots = {
        "box": LotFacts("box", children=("x", "y")),
        "x": LotFacts("x", batches=(("farm", D(40)),)),
        "y": LotFacts("y", weight=D(60)),  # nothing upstream: untraced
        "loop1": LotFacts("loop1", children=("loop2",), weight=D(5)),
        "loop2": LotFacts("loop2", children=("loop1",)),
    }
    result = compute_readiness([("box", None), ("loop1", None)], lots, {"farm": "approved"})
    assert result.untraced_weight == 65 and result.approved_weight == 40
    assert result.score == 38
    empty = compute_readiness([], lots, {})
    assert (empty.score, empty.decision, empty.total_items) == (0, Decision.PENDING, 0)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10_000),
            st.sampled_from(["approved", "pending", "rejected"]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=1, max_value=4),
)
def test_the_score_is_the_exact_approved_share_through_any_bulking(
    batches: list[tuple[int, str]], outputs: int
) -> None:
    """Batches bulked into one lot, split into `outputs` bags, all shipped: every kilogram
    reaches its farm and the score is the floor of the approved share, computed independently."""
    lots: dict[str, LotFacts] = {}
    inputs = []
    status = {}
    for n, (kg, farm_status) in enumerate(batches):
        lots[f"b{n}"] = LotFacts(f"b{n}", batches=((f"farm{n}", D(kg)),))
        inputs.append((f"b{n}", D(kg)))
        status[f"farm{n}"] = farm_status
    bags = tuple((f"bag{i}", None) for i in range(outputs))
    made = Transformation("t", tuple(inputs), bags)
    for bag, _ in bags:
        lots[bag] = LotFacts(bag, made_by=(made,))
    result = compute_readiness(list(bags), lots, status)
    total = sum(kg for kg, _ in batches)
    approved = sum(kg for kg, s in batches if s == "approved")
    assert result.total_weight == total
    assert sum(f.weight for f in result.farms) == total
    assert result.score == (100 * approved) // total
    if any(s == "rejected" for _, s in batches):
        assert result.decision is Decision.NO_GO
    else:
        assert result.decision is (Decision.GO if approved == total else Decision.PENDING)


def test_cocoa_files_are_the_builders_output_and_schema_valid() -> None:
    folder = ROOT / "seed" / "cocoa"
    expected = orjson.dumps(cocoa.build_cocoa(), option=orjson.OPT_INDENT_2) + b"\n"
    assert (folder / "events.jsonld").read_bytes() == expected
    shipments = orjson.dumps(cocoa.build_shipments(), option=orjson.OPT_INDENT_2) + b"\n"
    assert (folder / "shipments.json").read_bytes() == shipments
    assert schema_errors(orjson.loads(expected), default_schema_path()) == []
    statuses = [status for *_, status in cocoa.FARMS.values()]
    assert (
        len(statuses) == 12 and statuses.count("rejected") == 1 and statuses.count("pending") == 2
    )
