# Long on purpose: one job (every identifier form → one key), a parser per form.
"""EPC URNs, Food Trust URNs and GS1 Digital Link URIs → one canonical key per physical thing.

Canonical keys are GS1 Application Identifier paths, which every form maps to without a
company-prefix table:

    01/{gtin14}                     product class
    01/{gtin14}/10/{lot}            lot of a product (instance)
    01/{gtin14}/21/{serial}         serialised item (instance)
    00/{sscc18}                     logistic unit (instance)
    8003/{grai}, 8004/{giai}        returnable / individual asset (instance)
    414/{gln13}[/254/{ext}]         location
    417/{gln13}                     party

Lot, serial and extension values appear decoded (no percent-escapes). Food Trust URNs that
do not carry a numeric GS1 company prefix + reference, and any other absolute URI, keep the
URI itself as key.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote

from biip import ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gtin import Gtin
from epcpy import ConvertException
from epcpy.epc_schemes import GIAI, GRAI, LGTIN, PGLN, SGLN, SGTIN, SSCC
from epcpy.epc_schemes.base_scheme import GS1Element, GS1Keyed
from epcpy.utils.parsers import EPC_SCHEME_IDENTIFIERS

from trace_engine.errors import InvalidIdentifier
from trace_engine.kit.bounds import id_too_long

Kind = Literal["instance", "product", "location", "party", "other"]


@dataclass(frozen=True, slots=True)
class Identifier:
    """One identifier as received (`raw`) and the canonical `key` of the thing it names."""

    raw: str
    key: str
    kind: Kind
    scheme: str
    # for an instance or a product-class pattern: the product class it is an instance of,
    # as a canonical key and in the same family of forms as `raw` (EPC idpat, Food Trust
    # product class URN, Digital Link GTIN URI)
    product_key: str | None = None
    product_raw: str | None = None


@functools.lru_cache(maxsize=65536)
def parse_identifier(raw: str) -> Identifier:
    """Parse any supported identifier form; raise InvalidIdentifier naming the problem."""
    fast = _fast_epc(raw) if raw.startswith("urn:epc:") else None
    return fast if fast is not None else _parse_identifier(raw)


def _parse_identifier(raw: str) -> Identifier:
    if not raw:
        raise InvalidIdentifier(raw, "identifier is empty")
    if (too_long := id_too_long(raw)) is not None:
        raise InvalidIdentifier(raw[:64] + "…", f"identifier {too_long}")
    if _BAD_CHAR.search(raw):
        if raw.isspace():
            raise InvalidIdentifier(raw, "identifier is blank")
        raise InvalidIdentifier(raw, "identifier contains whitespace or control characters")
    if raw.startswith("urn:epc:"):
        return _parse_epc(raw)
    if raw.startswith("urn:ibm:ift:"):
        return _parse_food_trust(raw)
    head = raw[:8].lower()
    if head.startswith(("https://", "http://")):
        return _parse_http(raw)
    if not _URI.match(raw):
        raise InvalidIdentifier(raw, "not a URI: no scheme such as 'urn:' or 'https:'")
    if head == "urn:epc:" or raw[:12].lower() == "urn:ibm:ift:":
        # a differently-cased prefix would otherwise slip through as an opaque URI
        prefix = raw[:8] if head == "urn:epc:" else raw[:12]
        raise InvalidIdentifier(raw, f"URN prefix must be lower case, got {prefix!r}")
    return Identifier(raw, raw, "other", "uri")


ALL_KINDS: frozenset[Kind] = frozenset(("instance", "product", "location", "party", "other"))


def identify(value: str | None, *, bare_gtin: bool = False) -> Identifier | None:
    """The identifier `value` is (surrounding blanks ignored), or None when it is empty or in
    no supported form. With `bare_gtin`, a bare GTIN-8/12/13/14 counts as that product class."""
    value = value.strip() if value else ""
    if not value:
        return None
    if bare_gtin and value.isdigit() and len(value) in (8, 12, 13, 14):
        try:
            value = f"https://id.gs1.org/01/{Gtin.parse(value).as_gtin_14()}"
        except ParseError:
            return None
    try:
        return parse_identifier(value)
    except InvalidIdentifier:
        return None


def resolve_key(
    value: str | None,
    *kinds: Kind,
    instances_as_products: bool = False,
    bare_gtin: bool = False,
) -> str | None:
    """The canonical key `value` names when it is an identifier of one of `kinds`, else None.

    The one way a free-text field becomes a graph key. `instances_as_products`: an instance
    (a lot or serial) stands for its product class; an instance with no class (an SSCC) keeps
    its own key only if "instance" is among `kinds`. `bare_gtin`: see `identify`.
    """
    ident = identify(value, bare_gtin=bare_gtin)
    if ident is None:
        return None
    if ident.kind == "instance" and instances_as_products and ident.product_key:
        return ident.product_key
    return ident.key if ident.kind in kinds else None


_BAD_CHAR = re.compile(r"[\s\x00-\x1f\x7f]")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:.")


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def _decode(value: str) -> str:
    return unquote(value) if "%" in value else value


def _gtin(indicator_and_ref: str, company_prefix: str) -> str:
    """GTIN-14 from an EPC-style CompanyPrefix + ItemRefAndIndicator (13 digits in all)."""
    body = indicator_and_ref[0] + company_prefix + indicator_and_ref[1:]
    return body + str(gs1_standard_check_digit(body))


# AI value syntax (character set, length) comes from biip's bundled GS1 AI table
_AI_PATTERN = {
    ai: re.compile(GS1ApplicationIdentifier.extract(ai).pattern)
    for ai in ("01", "00", "10", "21", "22", "254", "414", "417", "8003", "8004")
}


def _valid_ai_value(ai: str, value: str) -> bool:
    return _AI_PATTERN[ai].match(ai + value) is not None


# ---------------------------------------------------------------------------------------
# EPC pure-identity URNs (epcpy)

_EPC_KIND: dict[str, Kind] = {
    "sgtin": "instance",
    "lgtin": "instance",
    "sscc": "instance",
    "grai": "instance",
    "giai": "instance",
    "sgln": "location",
    "pgln": "party",
}
_EPC_ID_SCHEMES = frozenset(EPC_SCHEME_IDENTIFIERS) - {"lgtin"}
# parts, digits in the numeric parts, their name, the last part's name and its maximum
# length (0: numeric), checked before epcpy so that the message can say what is wrong
_EPC_SHAPE: dict[str, tuple[int, int, str, str, int]] = {
    "sgtin": (3, 13, "company prefix and item reference", "SGTIN serial", 20),
    "lgtin": (3, 13, "company prefix and item reference", "LGTIN lot", 20),
    "sgln": (3, 12, "company prefix and location reference", "SGLN extension", 20),
    "grai": (3, 12, "company prefix and asset type", "GRAI serial", 16),
    "sscc": (2, 17, "company prefix and serial reference", "SSCC serial reference", 0),
    "pgln": (2, 12, "company prefix and party reference", "PGLN party reference", 0),
    "giai": (2, 0, "company prefix", "GIAI asset reference", 30),
}
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_GS3A3 = re.compile(r"(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9!'()*+,\-.:;=_])+")
_EPC_CLASSES: dict[str, type[GS1Keyed]] = {
    "sgtin": SGTIN,
    "lgtin": LGTIN,
    "sgln": SGLN,
    "grai": GRAI,
    "sscc": SSCC,
    "pgln": PGLN,
    "giai": GIAI,
}
_ELEMENT = re.compile(r"\((\d{2,4})\)([^(]*)(?:\((\d{2,4})\)(.*))?")


def _parse_epc(raw: str) -> Identifier:
    form, _, rest = raw[8:].partition(":")
    scheme, sep, body = rest.partition(":")
    if form not in ("id", "class", "idpat"):
        if form in ("tag", "raw"):
            raise InvalidIdentifier(raw, "EPC tag and raw URIs are not pure identities")
        raise InvalidIdentifier(raw, f"unknown EPC URN type {form!r}")
    if not sep or not body:
        raise InvalidIdentifier(raw, f"EPC URN has no value after scheme {scheme!r}")
    if form == "idpat":
        return _parse_epc_pattern(raw, scheme, body)
    if form == "class" and scheme != "lgtin":
        raise InvalidIdentifier(raw, f"unknown EPC class scheme {scheme!r} (only lgtin)")
    if form == "id" and scheme not in _EPC_ID_SCHEMES:
        raise InvalidIdentifier(raw, f"unknown EPC scheme {scheme!r}")

    shape = _EPC_SHAPE.get(scheme)
    if shape is None:
        return _parse_epc_other(raw, scheme)
    parts = body.split(".", shape[0] - 1)
    _check_epc_shape(raw, parts, shape)
    epc_uri = raw
    if "%" in parts[-1]:
        # epcpy misreads an escape with a hex letter (%2F) at the start of a component; the
        # escapes are checked above, so let epcpy validate a stand-in of the same length
        epc_uri = raw[: len(raw) - len(parts[-1])] + _ESCAPE.sub("0", parts[-1])
    try:
        epc = _EPC_CLASSES[scheme](epc_uri)
        gs1_key: str = epc.gs1_key()
    except (ConvertException, ValueError, IndexError) as exc:
        raise InvalidIdentifier(raw, _epcpy_reason(raw, scheme, exc)) from None

    scheme_name = "epc-" + scheme
    kind = _EPC_KIND[scheme]
    if scheme in ("sgtin", "lgtin"):
        ai = "21" if scheme == "sgtin" else "10"
        product_raw = f"urn:epc:idpat:sgtin:{parts[0]}.{parts[1]}.*"
        key = f"01/{gs1_key}/{ai}/{_decode(parts[2])}"
        return Identifier(raw, key, kind, scheme_name, "01/" + gs1_key, product_raw)
    if scheme == "sgln":
        extension = _decode(parts[2])
        key = f"414/{gs1_key}" if extension == "0" else f"414/{gs1_key}/254/{extension}"
        return Identifier(raw, key, kind, scheme_name)
    if scheme == "grai":
        # AI 8003 carries a filler zero before the 13-digit GRAI
        key = f"8003/0{gs1_key[:13]}{_decode(parts[2])}"
        return Identifier(raw, key, kind, scheme_name)
    if scheme == "giai":
        return Identifier(raw, f"8004/{parts[0]}{_decode(parts[1])}", kind, scheme_name)
    ai = "00" if scheme == "sscc" else "417"
    return Identifier(raw, f"{ai}/{gs1_key}", kind, scheme_name)


# The EPC URN forms a bulk load is made of, read without epcpy when a regular expression
# proves the URN is one epcpy accepts (ASCII digits; a company prefix of 6-12 digits; the
# numeric parts as long together as the scheme wants; a lot, serial or extension of 1-20
# characters an EPC URN allows, without escapes). Anything else (an escape, a wrong length,
# any other scheme) returns None and goes the whole way, so the rejections and their messages
# stay those of `_parse_epc`. tests/unit/test_identifiers.py compares the two on generated
# URNs, valid and not. An epcpy object costs ~5 µs; this, one match.
_GS3A3_PLAIN = r"[A-Za-z0-9!'()*+,\-.:;=_]{1,20}"
_FAST_EPC: dict[str, tuple[re.Pattern[str], int]] = {
    "urn:epc:class:lgtin:": (re.compile(rf"([0-9]{{6,12}})\.([0-9]{{1,7}})\.({_GS3A3_PLAIN})"), 13),
    "urn:epc:id:sgtin:": (re.compile(rf"([0-9]{{6,12}})\.([0-9]{{1,7}})\.({_GS3A3_PLAIN})"), 13),
    "urn:epc:id:sscc:": (re.compile(r"([0-9]{6,12})\.([0-9]{5,11})"), 17),
    "urn:epc:id:sgln:": (re.compile(rf"([0-9]{{6,12}})\.([0-9]{{1,6}})\.({_GS3A3_PLAIN})"), 12),
    "urn:epc:idpat:sgtin:": (re.compile(r"([0-9]{6,12})\.([0-9]{1,7})\.\*"), 13),
}


def _check_digit(body: str) -> str:
    """The GS1 check digit of an ASCII digit string (biip's, in half its time)."""
    return str(-(3 * sum(map(int, body[-1::-2])) + sum(map(int, body[-2::-2]))) % 10)


@functools.lru_cache(maxsize=4096)  # a product's lots and serials share its GTIN
def _fast_gtin(company_prefix: str, indicator_and_ref: str) -> str:
    body = indicator_and_ref[0] + company_prefix + indicator_and_ref[1:]
    return body + _check_digit(body)


def _fast_epc(raw: str) -> Identifier | None:
    prefix = raw[: raw.find(":", raw.find(":", 8) + 1) + 1]  # urn:epc:{form}:{scheme}:
    entry = _FAST_EPC.get(prefix)
    if entry is None:
        return None
    pattern, digits = entry
    match = pattern.fullmatch(raw, len(prefix))
    if match is None:
        return None
    company_prefix, reference = match.group(1, 2)
    if len(company_prefix) + len(reference) != digits:
        return None
    if digits == 12:  # sgln
        gln = company_prefix + reference
        gln += _check_digit(gln)
        extension = match.group(3)
        key = f"414/{gln}" if extension == "0" else f"414/{gln}/254/{extension}"
        return Identifier(raw, key, "location", "epc-sgln")
    if digits == 17:  # sscc
        sscc = reference[0] + company_prefix + reference[1:]
        return Identifier(raw, f"00/{sscc}{_check_digit(sscc)}", "instance", "epc-sscc")
    product_key = "01/" + _fast_gtin(company_prefix, reference)
    if prefix == "urn:epc:idpat:sgtin:":
        return Identifier(raw, product_key, "product", "epc-idpat-sgtin", product_key, raw)
    product_raw = f"urn:epc:idpat:sgtin:{company_prefix}.{reference}.*"
    if prefix == "urn:epc:id:sgtin:":
        key = f"{product_key}/21/{match.group(3)}"
        return Identifier(raw, key, "instance", "epc-sgtin", product_key, product_raw)
    key = f"{product_key}/10/{match.group(3)}"
    return Identifier(raw, key, "instance", "epc-lgtin", product_key, product_raw)


def _check_epc_shape(
    raw: str, parts: list[str], shape: tuple[int, int, str, str, int], pattern: bool = False
) -> None:
    count, digits, numeric_name, last_name, max_length = shape
    if len(parts) < count or not parts[-1]:
        raise InvalidIdentifier(raw, f"{last_name} missing")
    numeric = parts[:-1] if count == 3 else parts[:1] if digits == 0 else parts
    if not all(_digits(part) for part in numeric):
        raise InvalidIdentifier(raw, f"{numeric_name} must be digits")
    if digits and sum(map(len, numeric)) != digits:
        raise InvalidIdentifier(raw, f"{numeric_name} must be {digits} digits")
    if not 6 <= len(parts[0]) <= 12:
        raise InvalidIdentifier(raw, f"company prefix must be 6 to 12 digits, got {len(parts[0])}")
    if not max_length or pattern:
        return
    if not _GS3A3.fullmatch(parts[-1]):
        raise InvalidIdentifier(
            raw,
            f"{last_name} {parts[-1]!r} has characters an EPC URN does not allow "
            '(escape " % & / < > ? as %22 %25 %26 %2F %3C %3E %3F)',
        )
    length = len(_decode(parts[-1])) + (len(parts[0]) if digits == 0 else 0)
    if length > max_length:
        raise InvalidIdentifier(raw, f"{last_name} is longer than {max_length} characters")


def _epcpy_reason(raw: str, scheme: str, exc: Exception) -> str:
    detail = str(exc).replace(raw, "").strip(" |") or "rejected"
    return f"not a valid EPC {scheme.upper()} URN (epcpy: {detail})"


def _parse_epc_other(raw: str, scheme: str) -> Identifier:
    try:
        epc = EPC_SCHEME_IDENTIFIERS[scheme].from_epc_uri(raw)
    except (ConvertException, ValueError, IndexError) as exc:
        raise InvalidIdentifier(raw, _epcpy_reason(raw, scheme, exc)) from None
    key = raw
    if isinstance(epc, GS1Element):
        match = _ELEMENT.fullmatch(epc.gs1_element_string())
        if match:
            key = "/".join(group for group in match.groups() if group is not None)
    if scheme == "upui":
        # UPUI is a GTIN + third-party serial: the same thing as Digital Link 01/…/235/…
        company_prefix, item_ref = raw[16:].split(".", 2)[:2]
        gtin = _gtin(item_ref, company_prefix)
        product_raw = f"urn:epc:idpat:sgtin:{company_prefix}.{item_ref}.*"
        return Identifier(raw, key, "instance", "epc-upui", "01/" + gtin, product_raw)
    return Identifier(raw, key, "other", "epc-" + scheme)


# EPC Pure Identity Pattern URIs (GS1 Tag Data Standard 2.1, section 8): the number of
# dot-separated parts of each scheme, and how many digits its company prefix plus the
# numeric part that follows have together (0: no such total). A pattern gives every part
# (an exact EPC) or replaces the last ones by `*` (`CP.Ref.*`, `CP.*.*`, `*.*.*`)
_PATTERN_PARTS: dict[str, tuple[int, int]] = {
    "sgtin": (3, 13),
    "sscc": (2, 17),
    "sgln": (3, 12),
    "grai": (3, 12),
    "giai": (2, 0),
    "gsrn": (2, 17),
    "gsrnp": (2, 17),
    "gdti": (3, 12),
    "cpi": (3, 0),
    "sgcn": (3, 12),
    "ginc": (2, 0),
    "gsin": (2, 16),
    "itip": (5, 13),
    "upui": (3, 13),
    "pgln": (2, 12),
    "gid": (3, 0),
    "usdod": (2, 0),
    "adi": (3, 0),
    "bic": (1, 0),
    "imovn": (1, 0),
}
# schemes whose first part is a GS1 company prefix
_NOT_GS1 = frozenset({"gid", "usdod", "adi", "bic", "imovn"})


def _parse_epc_pattern(raw: str, scheme: str, body: str) -> Identifier:
    shape = _PATTERN_PARTS.get(scheme)
    if shape is None:
        raise InvalidIdentifier(raw, f"unknown EPC scheme {scheme!r}")
    count, digits = shape
    parts = body.split(".", count - 1) if scheme == "adi" else body.split(".")
    if len(parts) != count:
        raise InvalidIdentifier(
            raw, f"{scheme.upper()} pattern must have {count} dot-separated parts, got {len(parts)}"
        )
    stars = len(parts) - len(list(itertools.takewhile(lambda part: part != "*", parts)))
    concrete = parts[: count - stars]
    if any(part != "*" for part in parts[count - stars :]):
        raise InvalidIdentifier(
            raw, "a '*' in a pattern stands only for the last parts (CP.Ref.*, CP.*.*, *.*.*)"
        )
    if not stars:
        # every part given: the pattern matches exactly one EPC, which it names
        exact = parse_identifier(f"urn:epc:id:{scheme}:{body}")
        return Identifier(
            raw, exact.key, exact.kind, "epc-idpat-" + scheme, exact.product_key, exact.product_raw
        )
    if concrete and scheme not in _NOT_GS1:
        if not _digits(concrete[0]) or not 6 <= len(concrete[0]) <= 12:
            raise InvalidIdentifier(raw, "company prefix must be 6 to 12 digits")
        if len(concrete) >= 2 and digits:
            if not _digits(concrete[1]) or len(concrete[0]) + len(concrete[1]) != digits:
                raise InvalidIdentifier(
                    raw, f"company prefix and the reference after it must be {digits} digits"
                )
    if scheme == "sgtin" and len(concrete) == 2:
        # `CP.ItemRef.*`: every serial of one GTIN, i.e. the product class
        key = "01/" + _gtin(concrete[1], concrete[0])
        return Identifier(raw, key, "product", "epc-idpat-sgtin", key, raw)
    return Identifier(raw, raw, "other", "epc-idpat-" + scheme)


# ---------------------------------------------------------------------------------------
# IBM Food Trust URNs

_IFT_TYPES: tuple[tuple[str, str, Kind, int], ...] = (
    # prefix, scheme, kind, number of dot-separated parts
    ("urn:ibm:ift:product:lot:class:", "ift-lot", "instance", 3),
    ("urn:ibm:ift:product:serial:obj:", "ift-serial", "instance", 3),
    ("urn:ibm:ift:product:class:", "ift-product", "product", 2),
    ("urn:ibm:ift:location:loc:", "ift-location", "location", 2),
)
_IFT_SYNTAX = {
    "ift-lot": "CompanyPrefix.ItemReference.Lot",
    "ift-serial": "CompanyPrefix.ItemReference.Serial",
    "ift-product": "CompanyPrefix.ItemReference",
    "ift-location": "CompanyPrefix.LocationReference",
}


def _parse_food_trust(raw: str) -> Identifier:
    ift_type = next((entry for entry in _IFT_TYPES if raw.startswith(entry[0])), None)
    if ift_type is None:
        kind_part = raw[12:].rpartition(":")[0] or raw[12:]
        raise InvalidIdentifier(raw, f"unknown Food Trust identifier type {kind_part!r}")
    prefix, scheme, kind, count = ift_type
    body = raw[len(prefix) :]
    parts = body.split(".", count - 1) if count == 3 else body.split(".")
    if len(parts) != count or not all(parts):
        raise InvalidIdentifier(
            raw, f"Food Trust {scheme[4:]} URN must be {_IFT_SYNTAX[scheme]}, got {body!r}"
        )
    company_prefix, reference = parts[0], parts[1]
    numeric = (
        _digits(company_prefix)
        and _digits(reference)
        and len(company_prefix) + len(reference) == (12 if scheme == "ift-location" else 13)
    )
    if scheme == "ift-location":
        if numeric:
            gln = company_prefix + reference
            return Identifier(raw, f"414/{gln}{gs1_standard_check_digit(gln)}", kind, scheme)
        return Identifier(raw, raw, kind, scheme)
    product_raw = f"urn:ibm:ift:product:class:{company_prefix}.{reference}"
    product_key = "01/" + _gtin(reference, company_prefix) if numeric else product_raw
    if scheme == "ift-product":
        return Identifier(raw, product_key, kind, scheme, product_key, raw)
    ai = "10" if scheme == "ift-lot" else "21"
    value = _decode(parts[2])
    if numeric and _valid_ai_value(ai, value):
        return Identifier(
            raw, f"{product_key}/{ai}/{value}", kind, scheme, product_key, product_raw
        )
    # a lot/serial that GS1 cannot express has no GS1 twin, so the URN is its own key
    return Identifier(raw, raw, kind, scheme, product_key, product_raw)


# ---------------------------------------------------------------------------------------
# GS1 Digital Link (biip)

# GS1 primary-key AIs a Digital Link path may start with
_PRIMARY_AIS = frozenset(
    ("01", "8006", "8013", "8010", "414", "415", "417", "8017", "8018", "255", "00", "253")
    + ("401", "402", "8003", "8004")
)
# qualifiers the fast path handles, in the order a Digital Link must give them
_FAST_QUALIFIERS = {
    "01": ("22", "10", "21"),
    "00": (),
    "414": ("254",),
    "417": (),
    "8003": (),
    "8004": (),
}
# AI → (name, slice of the value the check digit covers, index of the check digit)
_CHECK_DIGIT: dict[str, tuple[str, slice, int]] = {
    "01": ("GTIN", slice(0, 13), 13),
    "00": ("SSCC", slice(0, 17), 17),
    "414": ("GLN", slice(0, 12), 12),
    "417": ("GLN", slice(0, 12), 12),
    "8003": ("GRAI", slice(1, 13), 13),
    "415": ("GLN", slice(0, 12), 12),
    "8006": ("ITIP", slice(0, 13), 13),
    "253": ("GDTI", slice(0, 12), 12),
    "255": ("GCN", slice(0, 12), 12),
    "402": ("GSIN", slice(0, 16), 16),
    "8017": ("GSRN", slice(0, 17), 17),
    "8018": ("GSRN", slice(0, 17), 17),
}
_DL_KIND: dict[str, Kind] = {
    "00": "instance",
    "8003": "instance",
    "8004": "instance",
    "414": "location",
    "417": "party",
}


def _parse_http(raw: str) -> Identifier:
    authority = raw.find("://") + 3
    slash = raw.find("/", authority)
    if authority < 3 or slash < 0:
        return Identifier(raw, raw, "other", "uri")
    end = len(raw)
    for stop in ("?", "#"):
        found = raw.find(stop, slash)
        if 0 <= found < end:
            end = found
    segments = raw[slash:end].split("/")
    for start in range(1, len(segments) - 1):
        # a GS1 key always begins with a digit, which tells a Digital Link path from a
        # web path that merely contains e.g. "/00/"
        if segments[start] in _PRIMARY_AIS and segments[start + 1][:1].isdigit():
            break
    else:
        return Identifier(raw, raw, "other", "uri")
    if segments[start] == "01" and len(_decode(segments[start + 1])) not in (8, 12, 13, 14):
        # biip would zero-pad any shorter number into a GTIN-14
        raise InvalidIdentifier(raw, "GTIN must be 8, 12, 13 or 14 digits")
    base = raw[: raw.find(":")].lower() + raw[authority - 3 : slash] + "/".join(segments[:start])
    pairs = _fast_pairs(segments[start:])
    if pairs is None:
        # hand biip the path from the primary key on, so it cannot pick an earlier segment
        pairs = _biip_pairs(raw, raw[:slash] + "/".join(segments[start - 1 :]))
    return _digital_link(raw, base, pairs)


def _fast_pairs(segments: list[str]) -> list[tuple[str, str]] | None:
    """AI/value pairs of a plain Digital Link path, or None to let biip judge it."""
    qualifiers = _FAST_QUALIFIERS.get(segments[0])
    if qualifiers is None or len(segments) % 2:
        return None
    pairs = [(segments[0], _decode(segments[1]))]
    position = 0
    for index in range(2, len(segments), 2):
        ai = segments[index]
        try:
            position = qualifiers.index(ai, position) + 1
        except ValueError:
            return None
        pairs.append((ai, _decode(segments[index + 1])))
    if pairs[0][0] == "01" and len(pairs[0][1]) in (8, 12, 13):
        pairs[0] = ("01", pairs[0][1].zfill(14))
    for ai, value in pairs:
        if not _valid_ai_value(ai, value):
            return None
    return pairs


def _biip_pairs(raw: str, uri: str) -> list[tuple[str, str]]:
    try:
        # the query string carries attributes, not identity, so it is not parsed
        link = GS1DigitalLinkURI.parse(uri)
    except ParseError as exc:
        raise InvalidIdentifier(raw, f"not a valid GS1 Digital Link: {exc}") from None
    for element in link.element_strings:
        error = element.gtin_error or element.gln_error or element.sscc_error
        if error:
            raise InvalidIdentifier(raw, error)
    return [(element.ai.ai, element.value) for element in link.element_strings]


def _digital_link(raw: str, base: str, pairs: list[tuple[str, str]]) -> Identifier:
    primary, value = pairs[0]
    check = _CHECK_DIGIT.get(primary)
    if check is not None:
        name, covered, at = check
        if primary == "8003" and value[:1] != "0":
            raise InvalidIdentifier(raw, "GRAI in AI 8003 must start with a filler 0")
        expected = gs1_standard_check_digit(value[covered])
        if value[at] != str(expected):
            raise InvalidIdentifier(
                raw, f"{name} check digit {value[at]} does not match {expected}"
            )
    if primary == "414":
        # EPC SGLN extension "0" means "no extension"; treat AI 254 the same way
        pairs = [pair for pair in pairs if pair != ("254", "0")]
    key = "/".join(f"{ai}/{value}" for ai, value in pairs)
    if primary != "01":
        return Identifier(raw, key, _DL_KIND.get(primary, "other"), "gs1-dl")
    product = [pair for pair in pairs if pair[0] in ("01", "22")]
    if len(product) == len(pairs):
        return Identifier(raw, key, "product", "gs1-dl", key, raw)
    product_key = "/".join(f"{ai}/{value}" for ai, value in product)
    product_raw = base + "".join(f"/{ai}/{quote(value, safe='')}" for ai, value in product)
    return Identifier(raw, key, "instance", "gs1-dl", product_key, product_raw)


# ---------------------------------------------------------------------------------------
# Writing an identifier in another form (GS1-EPC-Format of the EPCIS query interface)

DIGITAL_LINK_BASE = "https://id.gs1.org"
# canonical keys the forms below can express: AI, then qualifier AIs
_RENDERABLE = re.compile(r"^(01|00|414|417|8003|8004)/([^/]+)(?:/(10|21|254)/(.+))?$")


def to_digital_link(ident: Identifier) -> str | None:
    """The GS1 Digital Link URI (id.gs1.org) of a GS1-keyed identifier, else None."""
    if ident.scheme == "gs1-dl":
        return ident.raw
    match = _RENDERABLE.match(ident.key)
    if match is None:
        return None
    ai, value, qualifier, extra = match.groups()
    uri = f"{DIGITAL_LINK_BASE}/{ai}/{quote(value, safe='')}"
    if qualifier:
        uri += f"/{qualifier}/{quote(extra, safe='')}"
    return uri


def _company_prefix_length(ident: Identifier, digits: str) -> int | None:
    """How many digits of a GS1 key are its company prefix: from the identifier when it says
    (EPC and Food Trust URNs separate it with a dot), else from GS1's prefix list (biip)."""
    if ident.scheme.startswith(("epc-", "ift-")):
        body = ident.raw.rsplit(":", 1)[1]
        head = body.split(".", 1)[0]
        if _digits(head) and 6 <= len(head) <= 12:
            return len(head)
    from biip.gs1_prefixes import GS1CompanyPrefix

    found = GS1CompanyPrefix.extract(digits)
    return len(found.value) if found is not None else None


def to_epc_urn(ident: Identifier) -> str | None:
    """The EPC pure-identity URN (or lgtin class, sgtin pattern) of a GS1-keyed identifier;
    None when it has none or its company prefix length is unknown."""
    if ident.scheme.startswith("epc-"):
        return ident.raw
    match = _RENDERABLE.match(ident.key)
    if match is None:
        return None
    ai, value, qualifier, extra = match.groups()
    # the digits where the company prefix begins: after a GTIN's indicator, an SSCC's
    # extension digit, a GRAI's filler zero
    start = {"01": 1, "00": 1, "8003": 1}.get(ai, 0)
    length = _company_prefix_length(ident, value[start:])
    if length is None:
        return None
    try:
        if ai == "01":
            if qualifier is None:
                ref = value[0] + value[1 + length : 13]
                return f"urn:epc:idpat:sgtin:{value[1 : 1 + length]}.{ref}.*"
            scheme: type[GS1Keyed] = LGTIN if qualifier == "10" else SGTIN
            element = f"(01){value}({qualifier}){extra}"
        elif ai == "414":
            scheme, element = SGLN, f"(414){value}(254){extra or '0'}"
        else:
            scheme = {"00": SSCC, "417": PGLN, "8003": GRAI, "8004": GIAI}[ai]
            element = f"({ai}){value}"
        uri: str = scheme.from_gs1_element_string(element, length).epc_uri
        return uri
    except (ConvertException, ValueError, IndexError, KeyError):
        return None
