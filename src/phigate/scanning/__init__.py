"""Scan text for the identifiers of 45 CFR 164.514(b)(2) and for replies that confirm a patient.

>>> from phigate.scanning import scan
>>> report = scan("Email me at jo@example.com", kind="post")
>>> report.verdict, [f.type for f in report.findings]
"""

from phigate.scanning.identifiers import PLACEHOLDER, IdentifierType
from phigate.scanning.profile import OrganizationProfile, ProfileError
from phigate.scanning.report import Finding, ScanKind, ScanReport, Verdict
from phigate.scanning.scanner import Scanner, scan

PLACEHOLDERS = frozenset(PLACEHOLDER.values())

__all__ = [
    "PLACEHOLDERS",
    "Finding",
    "IdentifierType",
    "OrganizationProfile",
    "ProfileError",
    "ScanKind",
    "ScanReport",
    "Scanner",
    "Verdict",
    "scan",
]
