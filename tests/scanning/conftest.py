from __future__ import annotations

from phigate.scanning import IdentifierType, ScanReport


def found(report: ScanReport, kind: IdentifierType) -> list[str]:
    """The texts of the findings of one type, as the author wrote them."""
    return [report.text[f.start : f.end] for f in report.findings if f.type is kind]
