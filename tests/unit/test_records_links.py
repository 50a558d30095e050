"""How a record's productId, batchNumber, supplierId and processingFacility become graph links."""

from __future__ import annotations

import pytest

from trace_engine.records.links import links, product_key

GTIN = "01/04012345123456"


@pytest.mark.parametrize(
    "product",
    [
        "urn:epc:idpat:sgtin:4012345.012345.*",
        "https://id.gs1.org/01/04012345123456",
        "04012345123456",
        "4012345123456",
    ],
)
def test_a_gtin_and_a_lot_name_the_lot_instance(product: str) -> None:
    result = links(product, "L-1", None, None)
    assert result["product"] is not None and result["product"]["key"] == GTIN
    assert result["product"]["create"] is True
    assert result["instance"] is not None
    assert result["instance"]["key"] == f"{GTIN}/10/L-1"
    assert result["instance"]["productKey"] == GTIN
    assert result["instance"]["create"] is True


def test_the_lot_takes_the_products_form() -> None:
    epc = links("urn:epc:idpat:sgtin:4012345.012345.*", "L/1", None, None)["instance"]
    assert epc is not None and epc["displayId"] == "urn:epc:class:lgtin:4012345.012345.L%2F1"
    assert epc["key"] == f"{GTIN}/10/L/1" and epc["aliases"] == [epc["displayId"]]
    ift = links("urn:ibm:ift:product:class:999999999999.mango", "lot-2", None, None)["instance"]
    assert ift is not None
    assert ift["key"] == "urn:ibm:ift:product:lot:class:999999999999.mango.lot-2"


def test_a_batch_given_as_an_instance_identifier_is_used_as_it_is() -> None:
    result = links("SKU-1", "urn:epc:class:lgtin:4012345.012345.L9", None, None)
    assert result["instance"] is not None and result["instance"]["key"] == f"{GTIN}/10/L9"
    # the product is then linked only if it exists
    assert result["product"] is not None and result["product"]["create"] is False


def test_plain_strings_link_nothing() -> None:
    assert links("SKU-1", "B 1", "3f2b9a1c-0000", "Ahmedabad mill") == {
        "product": None, "instance": None, "supplier": None, "facility": None,
    }  # fmt: skip


def test_a_lot_gs1_cannot_express_is_not_keyed() -> None:
    assert links("04012345123456", "a lot with spaces", None, None)["instance"] is None


def test_suppliers_and_facilities() -> None:
    result = links("SKU", "B", "urn:epc:id:pgln:4012345.00000", "urn:epc:id:sgln:4012345.00001.0")
    assert result["supplier"] is not None and result["facility"] is not None
    assert (result["supplier"]["label"], result["supplier"]["key"]) == (
        "Party",
        "417/4012345000009",
    )
    assert (result["facility"]["label"], result["facility"]["key"]) == (
        "Facility", "414/4012345000016",
    )  # fmt: skip
    assert result["supplier"]["create"] and result["facility"]["create"]
    other = links("SKU", "B", "urn:uuid:1", "https://example.com/mill")
    assert other["supplier"] is not None and other["supplier"]["create"] is False
    assert other["facility"] is not None and other["facility"]["create"] is False
    # a product given as a supplier is not a supplier
    assert links("SKU", "B", "urn:epc:idpat:sgtin:4012345.012345.*", None)["supplier"] is None


def test_product_key_unifies_forms_and_keeps_plain_strings() -> None:
    forms = ["urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456",
             "04012345123456", "urn:epc:class:lgtin:4012345.012345.L1"]  # fmt: skip
    assert {product_key(f) for f in forms} == {GTIN}
    assert product_key("SKU-001") == "SKU-001"
    assert product_key("04012345123457") == "04012345123457"  # bad check digit: a plain string
