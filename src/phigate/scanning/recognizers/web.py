"""URLs and IP addresses, Safe Harbor (N) and (O), 45 CFR 164.514(b)(2)(i)(N)-(O).

A link to a patient's fundraiser or profile identifies them; the organization's own domains do not.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer

_TLD = r"(?:com|org|net|edu|gov|io|co|us|me|ly|social|health|care|info|app|page|site|link|fund|bio)"
_URL = re.compile(
    rf"(?<![@\w.])(?:https?://[^\s<>\"')]+|(?:www\.)?(?:[a-z0-9-]+\.)+{_TLD}(?:/[^\s<>\"')]*)?)(?![\w@])",
    re.IGNORECASE,
)
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]|\.\d)")
# Anything with two colons and only hex digits is a candidate; the ipaddress module decides.
# "version 3.2.1.4" is a software release, not an address.
_VERSION = re.compile(r"\b(?:version|ver\.?|v\.?|release|build|firmware)\s*$", re.I)
_IPV6 = re.compile(r"(?<![\w:])[0-9a-f]{0,4}:[0-9a-f:]*:[0-9a-f]{0,4}(?![\w:])", re.I)


class UrlRecognizer(Recognizer):
    types = (IdentifierType.URL,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        for match in _URL.finditer(doc.text):
            url = match.group().rstrip(".,;:!?")
            host = re.sub(r"^https?://", "", url, flags=re.I).split("/")[0]
            if doc.profile.owns_domain(host):
                continue
            yield Candidate(
                IdentifierType.URL,
                match.start(),
                match.start() + len(url),
                0.85,
                "A web address can lead to the person (a fundraiser, a profile).",
            )


class IpAddressRecognizer(Recognizer):
    types = (IdentifierType.IP,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        for pattern in (_IPV4, _IPV6):
            for match in pattern.finditer(doc.text):
                if _VERSION.search(doc.text[max(0, match.start() - 12) : match.start()]):
                    continue
                try:
                    ipaddress.ip_address(match.group())
                except ValueError:
                    continue
                yield Candidate(
                    IdentifierType.IP,
                    match.start(),
                    match.end(),
                    0.9,
                    "An IP address can be traced to a person's device.",
                )
