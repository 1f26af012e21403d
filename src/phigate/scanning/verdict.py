"""From candidates to a verdict: which identifiers are tied to a patient or to care.

A Safe Harbor identifier is PHI when the post ties it to someone's health, care or payment. The
rules here decide that tie for each candidate, and the verdict follows:
- block: at least one identifier tied to a patient or to care, or a reply confirming a patient;
- review: identifying details whose link to a patient a person must judge (an unknown phone
  number, a name next to care words elsewhere in the post);
- allow: nothing identifying is tied to anyone's care.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from phigate.scanning.context import care_cues, non_care_cues, sentence_has_care
from phigate.scanning.document import Document
from phigate.scanning.identifiers import CATEGORY, IdentifierType
from phigate.scanning.recognizers import Candidate
from phigate.scanning.report import Verdict

T = IdentifierType
_PERSON = (T.NAME, T.HANDLE)
_CONTACT = (T.PHONE, T.FAX, T.EMAIL, T.URL, T.IP)
_CIRCUMSTANCE = (T.DATE, T.LOCATION, T.AGE, T.OTHER_ID)
# Phrases that introduce the organization's own contact details ("call us at", "Questions:").
_ORG_CONTACT = re.compile(
    r"\b(?:call|text|reach|contact|email|fax|write\s+to|book|register|rsvp|questions|info|"
    r"information|main|billing|records|line|desk|office|help|portal|online|visit|see|read|go\s+to|"
    r"details|more|link|status\s+page|learn\s+more|apply|donate|give)\b"
    r"(?:\s+(?:us|our\s+[\w\s]{0,30}?|now|today|anytime|online))?\W{0,3}(?:at|to|on|:)?\s*$",
    re.IGNORECASE,
)
_THIRD_PERSON = re.compile(
    r"\b(?:his|her|their|him|patient['’]s|family|mom|dad|wife|husband|son|daughter)\b", re.I
)
_ANIMAL = re.compile(
    r"\b(?:dog|dogs|puppy|pup|cat|cats|kitten|pet|pets|parrot|horse|retriever|labradoodle|"
    r"animal|veterinar\w*|vet|paws?|TPLO|spayed|neutered|adoptable|shelter)\b",
    re.IGNORECASE,
)
# A post about particular patients ("our residents", "patient of the month"), not care in general.
_STAFF_SENTENCE = re.compile(r"\b(?:Dr\.|volunteer\w*|chief|director|served\s+as)\b", re.I)
_PATIENT_ANCHOR = re.compile(
    r"\b(?:our|my|the|a|his|her)\s+(?:[\w-]+\s+){0,2}(?:patients?|residents?|pt|client)\b"
    r"(?!\s+(?:portal|relations|advocate|experience|safety|privacy|services|council))"
    r"|\bpatient\s+of\s+the\s+(?:week|month|year)|\bNICU\s+(?:alum|grad)",
    re.IGNORECASE,
)
_HUMAN_PATIENT = re.compile(
    r"\b(?:patient|resident|(?:his|her|its)\s+owner|man|woman|boy|girl|baby|kid|child|mom|dad|"
    r"grandpa|grandma|family\s+of|Mr|Mrs|Ms|kiddo|\d+\s*yo|\d+-year-old)\b",
    re.I,
)


@dataclass(frozen=True)
class Decision:
    kept: list[Candidate]
    linked: list[Candidate]
    verdict: Verdict
    reasons: tuple[str, ...]


def decide(doc: Document, candidates: list[Candidate]) -> Decision:
    about_care = bool(care_cues(doc.text))
    about_patients = bool(_PATIENT_ANCHOR.search(doc.text))
    about_animals = bool(_ANIMAL.search(doc.text)) and not _HUMAN_PATIENT.search(doc.text)
    confirms = any(c.type is T.CONFIRMS_PATIENT for c in candidates)
    linked: list[Candidate] = []
    uncertain: list[Candidate] = []
    deferred: list[Candidate] = []
    for candidate in candidates:
        tie = _tie(doc, candidate, about_care, about_patients, about_animals, confirms)
        if tie == "linked":
            linked.append(candidate)
        elif tie == "uncertain":
            uncertain.append(candidate)
        elif candidate.type in _CIRCUMSTANCE or candidate.type in _PERSON:
            deferred.append(candidate)
    # Once the post is known to be about a patient, a date or place in a sentence about that
    # patient's care (or next to their name) is theirs too.
    if linked or (about_patients and about_care):
        anchors = [(c.start, c.end) for c in linked]
        # A record number or room beside a name (a chart, a whiteboard) says whose record it is.
        records = any(c.inherent or c.type is T.OTHER_ID for c in linked)
        for candidate in deferred:
            if candidate.type in _PERSON:
                if records:
                    linked.append(candidate)
                continue
            start, end = doc.sentence_at(candidate.start)
            sentence = doc.text[start:end]
            near_anchor = any(start <= a < end for a, _ in anchors)
            if confirms or near_anchor or care_cues(sentence) or _PRONOUN.search(sentence):
                linked.append(candidate)
    if linked:
        verdict = Verdict.BLOCK
    elif uncertain:
        verdict = Verdict.REVIEW
    else:
        verdict = Verdict.ALLOW
    reasons = _reasons(doc, linked, uncertain)
    return Decision(linked + uncertain, linked, verdict, reasons)


def _tie(
    doc: Document,
    candidate: Candidate,
    about_care: bool,
    about_patients: bool,
    about_animals: bool,
    confirms: bool,
) -> str:
    """'linked' (PHI), 'uncertain' (a person must look) or 'none' (not PHI here)."""
    kind = candidate.type
    if candidate.inherent or kind is T.CONFIRMS_PATIENT:
        return "linked"
    in_care_sentence = sentence_has_care(doc, candidate.start) and not about_animals
    if kind in _PERSON:
        if confirms:
            return "linked"
        if about_patients or (candidate.start < len(doc.text) and doc.text[candidate.start] == "#"):
            # A person's own hashtag in a post about care is a campaign for that patient.
            return "linked" if about_patients or about_care else "none"
        if about_animals or not about_care:
            return "none"
        if in_care_sentence or _care_follows(doc, candidate):
            return "linked"
        return "none"
    if kind is T.OTHER_ID and candidate.score >= 0.85:
        # A room or bed number locates one patient whatever else the sentence says.
        return "linked"
    if (
        kind is T.AGE
        and (about_patients or about_care)
        and not _STAFF_SENTENCE.search(_sentence(doc, candidate))
    ):
        return "linked"
    if kind in _CIRCUMSTANCE:
        if not in_care_sentence:
            return "none"
        start, end = doc.sentence_at(candidate.start)
        if non_care_cues(doc.text[start:end]) or (not about_patients and non_care_cues(doc.text)):
            return "uncertain" if kind in (T.AGE, T.OTHER_ID) else "none"
        return "linked"
    if kind in _CONTACT:
        if confirms:
            return "linked"
        sentence = _sentence(doc, candidate)
        if about_patients and _THIRD_PERSON.search(sentence):
            return "linked"
        if in_care_sentence and _THIRD_PERSON.search(sentence):
            return "linked"
        before = doc.text[max(0, candidate.start - 40) : candidate.start]
        if _ORG_CONTACT.search(before):
            return "none"
        # Without a patient in the post, an unlisted number is almost always the organization's
        # own; list it in the profile to be certain. With one, a person must look.
        return "uncertain" if about_patients else "none"
    return "linked" if about_care else "uncertain"


def _care_follows(doc: Document, candidate: Candidate) -> bool:
    """A name whose next sentences go on about 'his'/'her' care ("Meet Walt! His LVAD ...")."""
    sentences = doc.sentences
    for index, (start, end) in enumerate(sentences):
        if start <= candidate.start < end:
            if index > 0 and care_cues(doc.text[sentences[index - 1][0] : sentences[index - 1][1]]):
                return True
            for next_start, next_end in sentences[index + 1 : index + 3]:
                following = doc.text[next_start:next_end]
                if care_cues(following) and _PRONOUN.search(following):
                    return True
            return False
    return False


_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|they|their|them)\b", re.IGNORECASE)


def _sentence(doc: Document, candidate: Candidate) -> str:
    start, end = doc.sentence_at(candidate.start)
    return doc.text[start:end]


_NOUN = {
    T.NAME: "name", T.HANDLE: "tagged account", T.LOCATION: "place", T.DATE: "date",
    T.AGE: "age over 89", T.PHONE: "phone number", T.FAX: "fax number", T.EMAIL: "email address",
    T.SSN: "Social Security number", T.MRN: "medical record number",
    T.HEALTH_PLAN: "health plan number", T.ACCOUNT: "account number",
    T.LICENSE: "licence or certificate number", T.VEHICLE: "vehicle identifier",
    T.DEVICE: "device serial number", T.URL: "web address", T.IP: "IP address",
    T.OTHER_ID: "identifying detail", T.FACE: "face", T.CONFIRMS_PATIENT: "confirmation of care",
}  # fmt: skip
_LINKED_MESSAGE = {
    T.CONFIRMS_PATIENT: (
        "confirms that the person replied to is or was a patient, or describes their care "
        "(45 CFR 164.502(a)): thank them without mentioning care and offer a private channel"
    ),
}


def _reasons(doc: Document, linked: list[Candidate], uncertain: list[Candidate]) -> tuple[str, ...]:
    reasons: list[str] = []
    by_type: dict[IdentifierType, int] = defaultdict(int)
    for candidate in linked:
        by_type[candidate.type] += 1
    for kind, count in by_type.items():
        category = CATEGORY[kind]
        if kind in _LINKED_MESSAGE:
            reasons.append(f"The reply {_LINKED_MESSAGE[kind]}.")
            continue
        noun = _NOUN[kind] + ("s" if count > 1 else "")
        reasons.append(
            f"{count} {noun} tied to a patient or their care ({category.title}, "
            f"{category.citation}): remove {'them' if count > 1 else 'it'}, or link a valid "
            "patient authorization (45 CFR 164.508)."
        )
    seen: set[IdentifierType] = set()
    for candidate in uncertain:
        if candidate.type in seen:
            continue
        seen.add(candidate.type)
        category = CATEGORY[candidate.type]
        reasons.append(
            f"A {_NOUN[candidate.type]} ({category.citation}) that may belong to a patient: a "
            "reviewer should confirm it is the organization's own or not about care."
        )
    return tuple(reasons)
