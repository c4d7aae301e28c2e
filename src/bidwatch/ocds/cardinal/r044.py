"""R044 — business similarities between tenderers.

Measures: pairs of parties with the role ``tenderer`` in one contracting process that share an
address (street address, locality, region, postal code and country, trimmed and lower-cased, when
the address has a street address) or a contact point (the first of name, email, telephone, fax
number, url that both give, equal).
Cardinal: ``src/indicators/r044.rs`` on Cardinal's unmerged branch (not in 0.0.8).
Threshold: none: any such pair flags the contracting process (OCID group) and each tenderer of the
pair (Tenderer group), value 1.0.
"""

from __future__ import annotations

from bidwatch.ocds.cardinal.base import TENDER, Context, Indicator, flag


class R044(Indicator):
    code = "R044"
    phase = TENDER

    def fold(self, ctx: Context) -> None:
        parties = ctx.release.get("parties")
        if type(parties) is list:
            _r044(parties, ctx.ocid, ctx.res_ocid, ctx.res_tenderer)
        elif parties is not None:
            ctx.wrong(ctx.no, "/parties", parties, "array")


# Rust's char::is_whitespace (what ``str::trim`` removes).
_WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                "\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _r044_address(party: dict) -> str | None:
    address = party.get("address")
    if type(address) is dict and "streetAddress" in address:
        parts = []
        for field in ("streetAddress", "locality", "region", "postalCode", "countryName"):
            v = address.get(field)
            if type(v) is str:
                parts.append(v.strip(_WHITE_SPACE).lower() + " ")
        return "".join(parts)
    return None


def _r044_contact(a, b) -> bool:
    if type(a) is dict and type(b) is dict:
        for field in ("name", "email", "telephone", "faxNumber", "url"):
            x = a.get(field)
            y = b.get(field)
            if type(x) is str and type(y) is str:
                return x == y
    return False


def _r044(parties: list, ocid: str, res_ocid: dict, res_tenderer: dict) -> None:
    tenderers: dict[str, tuple] = {}
    for p in parties:
        if type(p) is dict:
            roles = p.get("roles")
            pid = p.get("id")
            if type(roles) is list and "tenderer" in roles and type(pid) is str:
                tenderers[pid] = (_r044_address(p), p.get("contactPoint"))
    if len(tenderers) < 2:
        return
    for id_a, (addr_a, cp_a) in tenderers.items():
        for id_b, (addr_b, cp_b) in tenderers.items():
            if id_a != id_b and ((addr_a is not None and addr_a == addr_b) or _r044_contact(cp_b, cp_a)):
                flag(res_ocid, ocid, "R044", 1.0)
                flag(res_tenderer, id_a, "R044", 1.0)
