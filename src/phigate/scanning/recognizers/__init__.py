"""The recognizer family: one module per kind of identifier."""

from __future__ import annotations

from phigate.scanning.recognizers.ages import AgeRecognizer
from phigate.scanning.recognizers.base import Candidate, Recognizer
from phigate.scanning.recognizers.checksums import ChecksumNumberRecognizer
from phigate.scanning.recognizers.circumstances import CircumstanceRecognizer
from phigate.scanning.recognizers.dates import DateRecognizer
from phigate.scanning.recognizers.email import EmailRecognizer
from phigate.scanning.recognizers.handles import HandleRecognizer
from phigate.scanning.recognizers.locations import LocationRecognizer
from phigate.scanning.recognizers.names import NameRecognizer
from phigate.scanning.recognizers.numbers import LabelledNumberRecognizer
from phigate.scanning.recognizers.phones import PhoneRecognizer
from phigate.scanning.recognizers.replies import ReplyConfirmationRecognizer
from phigate.scanning.recognizers.rooms import RoomRecognizer
from phigate.scanning.recognizers.web import IpAddressRecognizer, UrlRecognizer
from phigate.scanning.recognizers.zip_code import ZipCodeRecognizer


def default_recognizers() -> list[Recognizer]:
    return [
        EmailRecognizer(),
        PhoneRecognizer(),
        UrlRecognizer(),
        IpAddressRecognizer(),
        LabelledNumberRecognizer(),
        ChecksumNumberRecognizer(),
        NameRecognizer(),
        HandleRecognizer(),
        DateRecognizer(),
        AgeRecognizer(),
        LocationRecognizer(),
        ZipCodeRecognizer(),
        RoomRecognizer(),
        CircumstanceRecognizer(),
        ReplyConfirmationRecognizer(),
    ]


__all__ = ["Candidate", "Recognizer", "default_recognizers"]
