"""Linking a record into the graph (pure): which Product, ProductInstance, Party or Facility
its productId, batchNumber, supplierId and processingFacility name, by canonical key."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from trace_engine.identifiers import ALL_KINDS, Identifier, identify, resolve_key


def _identify(value: str) -> Identifier | None:
    return identify(value, bare_gtin=True)


def product_key(product_id: str) -> str:
    """What records are filtered by: the canonical key of an identifier (an instance's product
    class for an instance, a bare GTIN's class), else the value itself."""
    key = resolve_key(product_id, *ALL_KINDS, instances_as_products=True, bare_gtin=True)
    return key if key is not None else product_id


def _target(
    ident: Identifier, label: str, create: bool, product: str | None = None
) -> dict[str, Any]:
    display = ident.raw
    return {
        "key": ident.key,
        "displayId": display,
        "aliases": [display] if display != ident.key else [],
        "label": label,
        "create": create,
        "productKey": product,
    }


def _lot_forms(product: Identifier, lot: str) -> list[str]:
    """Forms of the lot `lot` of `product`, in the product's family first, Digital Link last."""
    forms = []
    raw = product.raw
    if raw.startswith("urn:epc:idpat:sgtin:") and raw.endswith(".*"):
        forms.append(f"urn:epc:class:lgtin:{raw[20:-2]}.{quote(lot, safe='')}")
    elif raw.startswith("urn:ibm:ift:product:class:"):
        forms.append(f"urn:ibm:ift:product:lot:class:{raw[26:]}.{quote(lot, safe='')}")
    if product.key.startswith("01/") and len(product.key) == 17:
        forms.append(f"https://id.gs1.org/{product.key}/10/{quote(lot, safe='')}")
    return forms


def instance_of(product: Identifier | None, batch_number: str) -> Identifier | None:
    """The product instance a productId + batchNumber names, if it can be keyed."""
    batch = _identify(batch_number) if ":" in batch_number else None
    if batch is not None and batch.kind == "instance":
        return batch
    if product is None or product.kind != "product":
        return None
    for form in _lot_forms(product, batch_number):
        ident = _identify(form)
        if ident is not None and ident.kind == "instance":
            return ident
    return None


def links(
    product_id: str,
    batch_number: str,
    supplier_id: str | None,
    processing_facility: str | None,
) -> dict[str, dict[str, Any] | None]:
    """The link targets of a record (records_link.cypher's parameters)."""
    result: dict[str, dict[str, Any] | None] = {
        "product": None,
        "instance": None,
        "supplier": None,
        "facility": None,
    }
    product = _identify(product_id)
    if product is not None and product.kind in ("product", "other"):
        result["product"] = _target(product, "Product", product.kind == "product")
    instance = instance_of(product, batch_number)
    if instance is not None:
        if result["product"] is None and instance.product_key:
            result["product"] = {
                "key": instance.product_key,
                "displayId": instance.product_raw,
                "aliases": [],
                "label": "Product",
                "create": False,
                "productKey": None,
            }
        result["instance"] = _target(instance, "ProductInstance", True, instance.product_key)
    supplier = _identify(supplier_id) if supplier_id else None
    if supplier is not None and supplier.kind in ("party", "location", "other"):
        label = "Party" if supplier.kind == "party" else "Facility"
        result["supplier"] = _target(supplier, label, supplier.kind != "other")
    facility = _identify(processing_facility) if processing_facility else None
    if facility is not None and facility.kind in ("location", "other"):
        result["facility"] = _target(facility, "Facility", facility.kind == "location")
    return result


def links_of(props: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    return links(
        props["productId"],
        props["batchNumber"],
        props.get("supplierId"),
        props.get("processingFacility"),
    )
