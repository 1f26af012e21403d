"""The identifier vocabulary, each tied to its Safe Harbor category in 45 CFR 164.514(b)(2)(i).

The names are shared with the labelled corpus (`dev_posts.jsonl`), so a finding can be scored
against a human label without translation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SAFE_HARBOR = "45 CFR 164.514(b)(2)(i)"


class IdentifierType(StrEnum):
    NAME = "NAME"
    HANDLE = "HANDLE"
    LOCATION = "LOCATION"
    DATE = "DATE"
    AGE = "AGE"
    PHONE = "PHONE"
    FAX = "FAX"
    EMAIL = "EMAIL"
    SSN = "SSN"
    MRN = "MRN"
    HEALTH_PLAN = "HEALTH_PLAN"
    ACCOUNT = "ACCOUNT"
    LICENSE = "LICENSE"
    VEHICLE = "VEHICLE"
    DEVICE = "DEVICE"
    URL = "URL"
    IP = "IP"
    OTHER_ID = "OTHER_ID"
    FACE = "FACE"
    CONFIRMS_PATIENT = "CONFIRMS_PATIENT"


@dataclass(frozen=True, slots=True)
class SafeHarborCategory:
    """One of the eighteen identifiers of 164.514(b)(2)(i), or the rule a non-identifier rests on."""

    letter: str
    title: str
    citation: str


def _sh(letter: str, title: str) -> SafeHarborCategory:
    return SafeHarborCategory(letter, title, f"{SAFE_HARBOR}({letter})")


CATEGORY: dict[IdentifierType, SafeHarborCategory] = {
    IdentifierType.NAME: _sh("A", "Names"),
    IdentifierType.LOCATION: _sh("B", "Geographic subdivisions smaller than a state"),
    IdentifierType.DATE: _sh("C", "Dates (except year) directly related to an individual"),
    IdentifierType.AGE: _sh("C", "Ages over 89"),
    IdentifierType.PHONE: _sh("D", "Telephone numbers"),
    IdentifierType.FAX: _sh("E", "Fax numbers"),
    IdentifierType.EMAIL: _sh("F", "Electronic mail addresses"),
    IdentifierType.SSN: _sh("G", "Social security numbers"),
    IdentifierType.MRN: _sh("H", "Medical record numbers"),
    IdentifierType.HEALTH_PLAN: _sh("I", "Health plan beneficiary numbers"),
    IdentifierType.ACCOUNT: _sh("J", "Account numbers"),
    IdentifierType.LICENSE: _sh("K", "Certificate/license numbers"),
    IdentifierType.VEHICLE: _sh("L", "Vehicle identifiers and serial numbers, including plates"),
    IdentifierType.DEVICE: _sh("M", "Device identifiers and serial numbers"),
    IdentifierType.URL: _sh("N", "Web Universal Resource Locators (URLs)"),
    IdentifierType.IP: _sh("O", "Internet Protocol (IP) addresses"),
    IdentifierType.FACE: _sh("Q", "Full-face photographs and any comparable images"),
    IdentifierType.HANDLE: _sh("R", "Any other unique identifying number, characteristic, or code"),
    IdentifierType.OTHER_ID: _sh(
        "R", "Any other unique identifying number, characteristic, or code"
    ),
    # Not one of the eighteen: a reply that confirms the commenter is a patient discloses health
    # information about a person the platform already identifies (45 CFR 160.103, 164.502(a)).
    IdentifierType.CONFIRMS_PATIENT: SafeHarborCategory(
        "-", "Confirms that an identifiable person is or was a patient", "45 CFR 164.502(a)"
    ),
}

PLACEHOLDER: dict[IdentifierType, str] = {t: f"[{t.value}]" for t in IdentifierType}
PLACEHOLDER[IdentifierType.CONFIRMS_PATIENT] = "[…]"
