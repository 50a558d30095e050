"""parse_identifier: every supported form, cross-form equality, rejections, EPCIS examples."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trace_engine.errors import InvalidIdentifier
from trace_engine.identifiers import Identifier, _fast_epc, _parse_identifier, parse_identifier

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EPCIS_JSON = FIXTURES / "gs1-epcis" / "examples" / "JSON"
TRACE_API = FIXTURES / "api-specs" / "food-trust-trace-api.txt"

GTIN = "10614141073464"  # indicator 1, company prefix 0614141, item 07346, check digit 4
IDPAT = "urn:epc:idpat:sgtin:0614141.107346.*"


@pytest.mark.parametrize(
    ("raw", "key", "kind", "scheme", "product_key", "product_raw"),
    [
        # GTIN + lot
        (
            "urn:epc:class:lgtin:0614141.107346.101",
            f"01/{GTIN}/10/101",
            "instance",
            "epc-lgtin",
            f"01/{GTIN}",
            IDPAT,
        ),
        (
            f"https://id.gs1.org/01/{GTIN}/10/101",
            f"01/{GTIN}/10/101",
            "instance",
            "gs1-dl",
            f"01/{GTIN}",
            f"https://id.gs1.org/01/{GTIN}",
        ),
        (
            "urn:ibm:ift:product:lot:class:0614141.107346.101",
            f"01/{GTIN}/10/101",
            "instance",
            "ift-lot",
            f"01/{GTIN}",
            "urn:ibm:ift:product:class:0614141.107346",
        ),
        # GTIN + serial
        (
            "urn:epc:id:sgtin:0614141.107346.2017",
            f"01/{GTIN}/21/2017",
            "instance",
            "epc-sgtin",
            f"01/{GTIN}",
            IDPAT,
        ),
        (
            f"https://brand.example.com/01/{GTIN}/21/2017",
            f"01/{GTIN}/21/2017",
            "instance",
            "gs1-dl",
            f"01/{GTIN}",
            f"https://brand.example.com/01/{GTIN}",
        ),
        (
            "urn:ibm:ift:product:serial:obj:0614141.107346.2017",
            f"01/{GTIN}/21/2017",
            "instance",
            "ift-serial",
            f"01/{GTIN}",
            "urn:ibm:ift:product:class:0614141.107346",
        ),
        # product class
        (IDPAT, f"01/{GTIN}", "product", "epc-idpat-sgtin", f"01/{GTIN}", IDPAT),
        (
            f"https://id.gs1.org/01/{GTIN}",
            f"01/{GTIN}",
            "product",
            "gs1-dl",
            f"01/{GTIN}",
            f"https://id.gs1.org/01/{GTIN}",
        ),
        (
            "urn:ibm:ift:product:class:0614141.107346",
            f"01/{GTIN}",
            "product",
            "ift-product",
            f"01/{GTIN}",
            "urn:ibm:ift:product:class:0614141.107346",
        ),
        # SSCC
        (
            "urn:epc:id:sscc:0614141.1234567890",
            "00/106141412345678908",
            "instance",
            "epc-sscc",
            None,
            None,
        ),
        (
            "https://id.gs1.org/00/106141412345678908",
            "00/106141412345678908",
            "instance",
            "gs1-dl",
            None,
            None,
        ),
        # GRAI, GIAI
        (
            "urn:epc:id:grai:4012345.00077.18765",
            "8003/0401234500077118765",
            "instance",
            "epc-grai",
            None,
            None,
        ),
        (
            "https://id.example.com/8003/040123450007718765",
            "8003/040123450007718765",
            "instance",
            "gs1-dl",
            None,
            None,
        ),
        ("urn:epc:id:giai:4000001.111", "8004/4000001111", "instance", "epc-giai", None, None),
        ("https://id.gs1.org/8004/4000001111", "8004/4000001111", "instance", "gs1-dl", None, None),
        # locations
        (
            "urn:epc:id:sgln:0614141.00777.0",
            "414/0614141007776",
            "location",
            "epc-sgln",
            None,
            None,
        ),
        (
            "urn:epc:id:sgln:0614141.00777.12",
            "414/0614141007776/254/12",
            "location",
            "epc-sgln",
            None,
            None,
        ),
        (
            "https://id.gs1.org/414/0614141007776",
            "414/0614141007776",
            "location",
            "gs1-dl",
            None,
            None,
        ),
        (
            "https://id.gs1.org/414/0614141007776/254/12",
            "414/0614141007776/254/12",
            "location",
            "gs1-dl",
            None,
            None,
        ),
        (
            "urn:ibm:ift:location:loc:0614141.00777",
            "414/0614141007776",
            "location",
            "ift-location",
            None,
            None,
        ),
        # party
        ("urn:epc:id:pgln:0614141.00777", "417/0614141007776", "party", "epc-pgln", None, None),
        (
            "https://id.gs1.org/417/0614141007776",
            "417/0614141007776",
            "party",
            "gs1-dl",
            None,
            None,
        ),
        # other EPC schemes and Digital Link primary keys
        (
            "urn:epc:id:gdti:0614141.12345.400",
            "253/0614141123452400",
            "other",
            "epc-gdti",
            None,
            None,
        ),
        (
            "https://example.com/253/0614141123452400",
            "253/0614141123452400",
            "other",
            "gs1-dl",
            None,
            None,
        ),
        (
            "urn:epc:id:gsrn:0614141.0000010253",
            "8018/061414100000102534",
            "other",
            "epc-gsrn",
            None,
            None,
        ),
        (
            "urn:epc:id:usdod:CAGEY.5678",
            "urn:epc:id:usdod:CAGEY.5678",
            "other",
            "epc-usdod",
            None,
            None,
        ),
        # any other absolute URI
        (
            "https://example.com/things/1",
            "https://example.com/things/1",
            "other",
            "uri",
            None,
            None,
        ),
        ("urn:example:foo", "urn:example:foo", "other", "uri", None, None),
        (
            "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
            "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
            "other",
            "uri",
            None,
            None,
        ),
    ],
)
def test_forms(
    raw: str,
    key: str,
    kind: str,
    scheme: str,
    product_key: str | None,
    product_raw: str | None,
) -> None:
    assert parse_identifier(raw) == Identifier(raw, key, kind, scheme, product_key, product_raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "forms",
    [
        [
            "urn:epc:class:lgtin:0614141.107346.101",
            f"https://id.gs1.org/01/{GTIN}/10/101",
            f"https://brand.example.com/products/01/{GTIN}/10/101?exp=261231#top",
            "urn:ibm:ift:product:lot:class:0614141.107346.101",
        ],
        [
            "urn:epc:id:sgtin:0614141.107346.2017",
            f"https://id.gs1.org/01/{GTIN}/21/2017",
            "urn:ibm:ift:product:serial:obj:0614141.107346.2017",
        ],
        [IDPAT, f"https://id.gs1.org/01/{GTIN}", "urn:ibm:ift:product:class:0614141.107346"],
        # a GTIN-13 in a Digital Link is the same GTIN-14 with a leading zero
        ["urn:epc:idpat:sgtin:0614141.012345.*", "https://id.gs1.org/01/0614141123452"],
        ["urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908"],
        [
            "urn:epc:id:sgln:0614141.00777.0",
            "https://id.gs1.org/414/0614141007776",
            "https://id.gs1.org/414/0614141007776/254/0",
            "urn:ibm:ift:location:loc:0614141.00777",
        ],
        ["urn:epc:id:grai:4012345.00077.18765", "https://id.gs1.org/8003/0401234500077118765"],
        ["urn:epc:id:giai:4000001.111", "https://id.gs1.org/8004/4000001111"],
        ["urn:epc:id:pgln:0614141.00777", "https://id.gs1.org/417/0614141007776"],
        # percent-escaped lots: EPC URN escapes and Digital Link percent-encoding agree
        [
            "urn:epc:class:lgtin:0614141.107346.A%2FB%25C",
            f"https://id.gs1.org/01/{GTIN}/10/A%2FB%25C",
            "urn:ibm:ift:product:lot:class:0614141.107346.A%2FB%25C",
        ],
        [
            "urn:epc:class:lgtin:0614141.107346.x%3Cy%3E%26%22%3F",
            f"https://id.gs1.org/01/{GTIN}/10/" + quote('x<y>&"?', safe=""),
        ],
        # a lot may contain dots: everything after the second dot
        [
            "urn:epc:class:lgtin:0614141.107346.%2F0%3Fz",
            f"https://id.gs1.org/01/{GTIN}/10/%2F0%3Fz",
        ],
        ["urn:epc:id:grai:4012345.00077.%2Fx", "https://id.gs1.org/8003/04012345000771%2Fx"],
        ["urn:epc:id:giai:4000001.%2F1", "https://id.gs1.org/8004/4000001%2F1"],
        ["urn:epc:id:sgln:0614141.00777.%3Cx", "https://id.gs1.org/414/0614141007776/254/%3Cx"],
        [
            "urn:epc:class:lgtin:0614141.107346.2024.07.A",
            f"https://id.gs1.org/01/{GTIN}/10/2024.07.A",
            "urn:ibm:ift:product:lot:class:0614141.107346.2024.07.A",
        ],
    ],
)
def test_same_thing_same_key(forms: list[str]) -> None:
    keys = {parse_identifier(raw).key for raw in forms}
    assert len(keys) == 1, keys


def test_escaped_lot_is_decoded_in_key() -> None:
    ident = parse_identifier("urn:epc:class:lgtin:0614141.107346.A%2FB")
    assert ident.key == f"01/{GTIN}/10/A/B"
    assert parse_identifier(f"http://id.gs1.org/01/{GTIN}/10/A%2FB").key == ident.key


def test_digital_link_product_raw_keeps_host_and_prefix() -> None:
    ident = parse_identifier(f"https://brand.example.com/p/01/{GTIN}/10/L1?linkType=all")
    assert ident.product_raw == f"https://brand.example.com/p/01/{GTIN}"
    short = parse_identifier("https://id.gs1.org/01/0614141123452/10/L1")
    assert short.key == "01/00614141123452/10/L1"
    assert short.product_raw == "https://id.gs1.org/01/00614141123452"


def test_digital_link_consumer_product_variant() -> None:
    ident = parse_identifier(f"https://id.gs1.org/01/{GTIN}/22/V1/10/L1")
    assert ident.key == f"01/{GTIN}/22/V1/10/L1"
    assert ident.kind == "instance"
    assert ident.product_key == f"01/{GTIN}/22/V1"
    assert ident.product_raw == f"https://id.gs1.org/01/{GTIN}/22/V1"


def test_non_numeric_food_trust_urns_are_their_own_keys() -> None:
    lot = parse_identifier("urn:ibm:ift:product:lot:class:999999999999.mango.lot-1")
    assert lot == Identifier(
        "urn:ibm:ift:product:lot:class:999999999999.mango.lot-1",
        "urn:ibm:ift:product:lot:class:999999999999.mango.lot-1",
        "instance",
        "ift-lot",
        "urn:ibm:ift:product:class:999999999999.mango",
        "urn:ibm:ift:product:class:999999999999.mango",
    )
    product = parse_identifier("urn:ibm:ift:product:class:999999999999.mango")
    assert (product.key, product.kind) == (lot.product_key, "product")
    assert product.product_key == product.key
    location = parse_identifier("urn:ibm:ift:location:loc:999999999999.farm-1")
    assert (location.key, location.kind) == (location.raw, "location")
    serial = parse_identifier("urn:ibm:ift:product:serial:obj:1234567890123.product-123.s-4.5")
    assert serial.key == serial.raw
    assert serial.product_raw == "urn:ibm:ift:product:class:1234567890123.product-123"


def test_food_trust_numeric_lot_gs1_cannot_express_keeps_urn_key() -> None:
    raw = "urn:ibm:ift:product:lot:class:0614141.107346.123456789012345678901"
    ident = parse_identifier(raw)
    assert ident.key == raw
    assert ident.product_key == f"01/{GTIN}"


def test_mango_urns_from_trace_api_spec() -> None:
    urns = set(re.findall(r"urn:ibm:ift:[a-z:]+[^\s\"<>]*", TRACE_API.read_text()))
    urns = {urn.rstrip(".,") for urn in urns if not urn.endswith(":")}
    assert "urn:ibm:ift:product:lot:class:999999999999.sliced-mango.lot-2" in urns
    for urn in urns:
        ident = parse_identifier(urn)
        assert ident.raw == urn
    lot = parse_identifier("urn:ibm:ift:product:lot:class:999999999999.sliced-mango.lot-2")
    assert lot.product_raw == "urn:ibm:ift:product:class:999999999999.sliced-mango"
    assert parse_identifier("urn:ibm:ift:location:loc:5555555555555.store-1").kind == "location"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "identifier is empty"),
        ("   ", "identifier is blank"),
        ("\t\n", "identifier is blank"),
        ("urn:epc:id:sgtin:0614141.107346.1 ", "whitespace"),
        ("0614141107346", "no scheme"),
        ("just text", "whitespace"),
        ("lot-1", "no scheme"),
        ("urn:epc:id:sgtin:0614141.107346", "SGTIN serial missing"),
        ("urn:epc:id:sgtin:0614141.107346.", "SGTIN serial missing"),
        ("urn:epc:class:lgtin:0614141.107346", "LGTIN lot missing"),
        ("urn:epc:id:sgtin:0614141.10734.1", "company prefix and item reference must be 13 digits"),
        ("urn:epc:id:sgtin:0614141.1O7346.1", "company prefix and item reference must be digits"),
        ("urn:epc:id:sgtin:06141.41107346.1", "company prefix must be 6 to 12 digits"),
        ("urn:epc:id:sgtin:0614141.107346.a/b", "has characters an EPC URN does not allow"),
        ("urn:epc:id:sgtin:0614141.107346." + "9" * 21, "serial is longer than 20"),
        ("urn:epc:id:sscc:0614141.123456789", "must be 17 digits"),
        ("urn:epc:id:sgln:0614141.00777", "SGLN extension missing"),
        ("urn:epc:id:pgln:0614141.0077", "must be 12 digits"),
        ("urn:epc:id:xyz:0614141.1", "unknown EPC scheme 'xyz'"),
        ("urn:epc:class:sgtin:0614141.107346.1", "unknown EPC class scheme 'sgtin'"),
        ("urn:epc:foo:sgtin:0614141.107346.1", "unknown EPC URN type 'foo'"),
        ("urn:epc:id:sgtin", "no value after scheme"),
        ("urn:epc:tag:sgtin-96:3.0614141.107346.1", "not pure identities"),
        ("urn:epc:id:gdti:0614141.12345", "not a valid EPC GDTI URN"),
        ("urn:epc:idpat:sgtin:0614141.*.1", "stands only for the last parts"),
        ("urn:epc:idpat:xyz:0614141.*", "unknown EPC scheme 'xyz'"),
        ("URN:EPC:ID:SGTIN:0614141.107346.1", "must be lower case"),
        ("urn:ibm:ift:product:lot:class:0614141.107346", "must be CompanyPrefix.ItemReference.Lot"),
        ("urn:ibm:ift:product:serial:obj:abc", "must be CompanyPrefix.ItemReference.Serial"),
        ("urn:ibm:ift:product:class:1.2.3", "must be CompanyPrefix.ItemReference"),
        ("urn:ibm:ift:product:class:1.", "must be CompanyPrefix.ItemReference"),
        ("urn:ibm:ift:location:loc:farm-1", "must be CompanyPrefix.LocationReference"),
        ("urn:ibm:ift:pallet:obj:1.2", "unknown Food Trust identifier type 'pallet:obj'"),
        ("https://id.gs1.org/01/10614141073465/10/101", "GTIN check digit 5 does not match 4"),
        ("https://id.gs1.org/01/123/10/101", "GTIN must be 8, 12, 13 or 14 digits"),
        ("https://id.gs1.org/00/106141412345678909", "SSCC check digit 9 does not match 8"),
        ("https://id.gs1.org/414/0614141007777", "GLN check digit 7 does not match 6"),
        ("https://id.gs1.org/417/0614141007777", "GLN check digit 7 does not match 6"),
        ("https://id.gs1.org/8003/04012345000778", "GRAI check digit 8 does not match 1"),
        ("https://id.gs1.org/8003/1401234500071", "not a valid GS1 Digital Link"),
        (f"https://id.gs1.org/01/{GTIN}/21/1/10/2", "not a valid GS1 Digital Link"),
        (f"https://id.gs1.org/01/{GTIN}/10", "not a valid GS1 Digital Link"),
        (f"https://id.gs1.org/01/{GTIN}/10/" + "L" * 21, "not a valid GS1 Digital Link"),
        ("https://id.gs1.org/00/1234", "not a valid GS1 Digital Link"),
    ],
)
def test_rejected(raw: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_identifier(raw)
    assert message in caught.value.reason
    assert caught.value.value == raw


def test_parse_is_cached() -> None:
    raw = "urn:epc:id:sgtin:0614141.107346.cache-probe"
    assert parse_identifier(raw) is parse_identifier(raw)
    assert parse_identifier.cache_info().maxsize == 65536


# GS1 AI encodable character set 82, which lots and serials are drawn from
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
EPC_ESCAPES = {'"': "%22", "%": "%25", "&": "%26", "/": "%2F", "<": "%3C", ">": "%3E", "?": "%3F"}


def _check_digit(digits: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


@st.composite
def gtin_with_lot(draw: st.DrawFn) -> tuple[str, str, str]:
    prefix_length = draw(st.integers(6, 12))
    company_prefix = draw(st.text("0123456789", min_size=prefix_length, max_size=prefix_length))
    item_ref = draw(st.text("0123456789", min_size=13 - prefix_length, max_size=13 - prefix_length))
    lot = draw(st.text(CSET82, min_size=1, max_size=20))
    return company_prefix, item_ref, lot


@given(gtin_with_lot())
def test_round_trip_epc_dl_food_trust_give_one_key(parts: tuple[str, str, str]) -> None:
    company_prefix, item_ref, lot = parts
    body = item_ref[0] + company_prefix + item_ref[1:]
    gtin = body + _check_digit(body)
    escaped = "".join(EPC_ESCAPES.get(char, char) for char in lot)
    epc = parse_identifier(f"urn:epc:class:lgtin:{company_prefix}.{item_ref}.{escaped}")
    dl = parse_identifier(f"https://id.gs1.org/01/{gtin}/10/{quote(lot, safe='')}")
    ift = parse_identifier(f"urn:ibm:ift:product:lot:class:{company_prefix}.{item_ref}.{escaped}")
    assert epc.key == dl.key == ift.key == f"01/{gtin}/10/{lot}"
    assert epc.product_key == dl.product_key == ift.product_key == f"01/{gtin}"
    assert parse_identifier(epc.product_raw or "").key == f"01/{gtin}"
    assert parse_identifier(dl.product_raw or "").key == f"01/{gtin}"
    assert parse_identifier(ift.product_raw or "").key == f"01/{gtin}"


_EPC_LIST_FIELDS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")


def _identifiers_in(node: Any) -> Iterator[str]:
    """Every identifier-valued field of an EPCIS JSON document."""
    if isinstance(node, list):
        for item in node:
            yield from _identifiers_in(item)
        return
    if not isinstance(node, dict):
        return
    for field, value in node.items():
        if field in _EPC_LIST_FIELDS and isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))
        elif field in ("parentID", "epcClass", "source", "destination") and isinstance(value, str):
            yield value
        elif field in ("readPoint", "bizLocation") and isinstance(value, dict):
            if isinstance(value.get("id"), str):
                yield value["id"]
        else:
            yield from _identifiers_in(value)


def _epcis_examples() -> list[Path]:
    return sorted(EPCIS_JSON.rglob("*.json*")) if EPCIS_JSON.exists() else []


def test_every_identifier_in_epcis_json_examples_parses() -> None:
    seen: set[str] = set()
    for path in _epcis_examples():
        seen.update(_identifiers_in(json.loads(path.read_text())))
    assert len(seen) > 50
    for raw in sorted(seen):
        parse_identifier(raw)
    assert "https://id.gs1.org/01/70614141123451/21/2017" in seen


# The fast path for the common EPC URN forms (`_fast_epc`) against the whole way through epcpy
# (`_parse_identifier`): on any URN the fast path answers, the same Identifier; on the others,
# parse_identifier answers what the whole way answers, the same rejection with the same message

_FAST_PREFIXES = (
    "urn:epc:class:lgtin:",
    "urn:epc:id:sgtin:",
    "urn:epc:id:sscc:",
    "urn:epc:id:sgln:",
    "urn:epc:idpat:sgtin:",
)
_NEAR_PREFIXES = (
    "urn:epc:id:lgtin:",
    "urn:epc:class:sgtin:",
    "urn:epc:idpat:sscc:",
    "urn:epc:id:pgln:",
    "urn:epc:id:grai:",
    "urn:epc:id:giai:",
    "urn:epc:idpat:sgln:",
    "URN:EPC:class:lgtin:",
    "urn:epc:id:SGTIN:",
    "urn:epc:id::sgtin:",
    "urn:epc:id:sgtin",
    "urn:epc::",
)
# digits including ones that are digits only outside ASCII (Arabic-Indic, fullwidth)
_DIGITS = st.text("0123456789", min_size=0, max_size=14) | st.text(
    "01234\u0663\uff17", min_size=1, max_size=13
)
_LAST = st.one_of(
    st.text(CSET82 + " é\t", min_size=0, max_size=24),
    st.lists(
        st.sampled_from("0 a Z 9 . : - * %2F %2f %25 %C3%A9 %2 %ZZ /".split()),
        max_size=12,
    ).map("".join),
)


def _valid_part(prefix_length: int, total: int) -> st.SearchStrategy[tuple[str, str]]:
    return st.tuples(
        st.text("0123456789", min_size=prefix_length, max_size=prefix_length),
        st.text("0123456789", min_size=total - prefix_length, max_size=total - prefix_length),
    )


@st.composite
def _epc_urns(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(_FAST_PREFIXES) | st.sampled_from(_NEAR_PREFIXES))
    if draw(st.booleans()):  # numeric parts of the right lengths, around the partition edges
        total = {"urn:epc:id:sscc:": 17, "urn:epc:id:sgln:": 12}.get(prefix, 13)
        company_prefix, reference = draw(
            _valid_part(draw(st.integers(max(0, total - 13), min(total, 13))), total)
        )
    else:
        company_prefix, reference = draw(_DIGITS), draw(_DIGITS)
    parts = [company_prefix, reference]
    if draw(st.booleans()):
        parts.append(draw(_LAST))
    if draw(st.booleans()):
        parts.append(draw(_LAST))
    return prefix + ".".join(parts) + draw(st.sampled_from(["", "", "", ":", ".", ":x"]))


def _outcome(parse: Callable[[str], Identifier], raw: str) -> Identifier | str:
    try:
        return parse(raw)
    except InvalidIdentifier as exc:
        return f"rejected: {exc.reason}"


@given(_epc_urns())
@settings(max_examples=3000)
@example("urn:epc:id:sgln:0614141.12345.0")  # the extension 0: no AI 254
@example("urn:epc:id:sgln:0614141.12345.00")
@example("urn:epc:id:sscc:06141.123456789012")  # company prefix of 5 digits
@example("urn:epc:id:sscc:0614141234567.1234")  # of 13
@example("urn:epc:class:lgtin:061414\u0663.107346.1")  # a digit outside ASCII
@example("urn:epc:class:lgtin:0614141.107346.12345678901234567890")  # lot of 20
@example("urn:epc:class:lgtin:0614141.107346.123456789012345678901")  # of 21
@example("urn:epc:class:lgtin:0614141.107346.a.b:c")
@example("urn:epc:idpat:sgtin:0614141.107346.**")
def test_fast_epc_answers_what_epcpy_answers(raw: str) -> None:
    whole_way = _outcome(_parse_identifier, raw)
    fast = _fast_epc(raw)
    if fast is not None:
        assert fast == whole_way
    assert _outcome(parse_identifier.__wrapped__, raw) == whole_way


@st.composite
def _common_epc_urns(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(_FAST_PREFIXES))
    total = {"urn:epc:id:sscc:": 17, "urn:epc:id:sgln:": 12}.get(prefix, 13)
    company_prefix, reference = draw(
        _valid_part(draw(st.integers(6, 11 if total == 12 else 12)), total)
    )
    if prefix == "urn:epc:idpat:sgtin:":
        return f"{prefix}{company_prefix}.{reference}.*"
    if prefix == "urn:epc:id:sscc:":
        return f"{prefix}{company_prefix}.{reference}"
    last = draw(st.text("0123456789ABCxyz!'()*+,-.:;=_", min_size=1, max_size=20))
    return f"{prefix}{company_prefix}.{reference}.{last}"


@given(_common_epc_urns())
@settings(max_examples=1000)
def test_fast_epc_takes_the_common_forms(raw: str) -> None:
    fast = _fast_epc(raw)
    assert fast is not None
    assert fast == _parse_identifier(raw)


def test_fast_epc_leaves_escapes_and_other_schemes_to_epcpy() -> None:
    for raw in (
        "urn:epc:class:lgtin:0614141.107346.A%2FB",
        "urn:epc:id:sgtin:0614141.107346.123456789012345678901",
        "urn:epc:id:pgln:0614141.00000",
        "urn:epc:id:sscc:0614141.123456789",
        "urn:epc:id:sgln:061414112345..0",
    ):
        assert _fast_epc(raw) is None
    assert parse_identifier("urn:epc:class:lgtin:0614141.107346.A%2FB").key == (f"01/{GTIN}/10/A/B")
