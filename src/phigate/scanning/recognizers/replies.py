"""Replies that confirm the commenter (or their relative) is or was a patient.

The OCR settlements with practices that answered online reviews rest on this: a reply that mentions
the reviewer's visit, treatment or bill discloses PHI about a person the platform already names,
even when the reviewer raised it first (45 CFR 164.502(a); domain notes CASE-02, CASE-03).
Only replies are checked: a post is not addressed to anyone in particular.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.recognizers.base import Candidate, Recognizer
from phigate.scanning.report import ScanKind

_WHOSE = r"(?:your|his|her|their|su|sus)"
_RELATIVE = r"(?:son|daughter|mother|mom|father|dad|husband|wife|grandmother|grandfather|child|kids?|boys|girls|baby)"
_CARE_NOUN = (
    r"(?:visits?|appointments?|cleaning|surgery|procedure|treatment|stay|care|recovery|results?|"
    r"chart|records?|biopsy|mammogram|prescription|refill|copay|claim|bill|balance|account|"
    r"follow-?up|consult|session|x-?rays?|MRI|scan|labs?|lipid\s+panel|test|diagnosis|condition|"
    r"medication|meds|therapy|rehab|delivery|prep|stent|stitches|filling|crown|implant|retainer|"
    r"braces|bracket|knee|hip|shoulder|ankle|ACL|wrist|melasma|skin|chemo|round|booster|shots?|"
    r"wait|fracture|fall|pickup|plan|portal|MyHealth\s+account|prior\s+authorization|"
    r"(?:[\w-]+\s+){0,2}(?:exercises|results|repair|surgery|infection|treatment|visit|refit|"
    r"note|series|taper|log|plan))"
)
_TRIGGERS = re.compile(
    "|".join(
        [
            rf"\b{_WHOSE}\s+(?:{_RELATIVE}['’]s\s+)?(?:new\s+|next\s+|last\s+|\d+-\w+\s+)?{_CARE_NOUN}\b",
            r"\b(?:glad|happy|thrilled|so\s+glad|relieved)\s+(?:to\s+hear\s+)?(?:you['’]re|you\s+are|he['’]s|she['’]s|"
            r"they['’]re|your|his|her|that|the)\b[^.!?]*?\b(?:better|recover\w*|heal\w*|thriving|"
            r"holding\s+up|well|clear|smoothly|great|stronger)",
            r"\b(?:see\s+you|seeing\s+you)\s+(?:at|in|for|then|next)\b[^.!?]*",
            r"\b(?:choosing|trusting)\s+(?:us|[A-Z][\w ]+?)\s+(?:for|with)\s+your\s+care\b",
            r"\b(?:honou?r|privilege|pleasure)\s+to\s+(?:care\s+for|be\s+part\s+of\s+your|treat)\b[^.!?]*",
            r"\b(?:care\s+for|cuidar\s+a)\s+(?:[A-Z]\w+|su\s+\w+)",
            r"\bour\s+(?:records|notes|chart|logs?)\s+show\b",
            r"\bwe(?:['’]ve|\s+have)?\s+(?:found|checked|looked\s+into|re-?sent|resubmitted|reset|locked|"
            r"credited|waived|faxed|asked|scheduled|booked|rescheduled)\b[^.!?]*",
            r"\b(?:rooting|cheering)\s+(?:for|you\s+on)\b",
            r"\bkeep\s+(?:up\s+)?(?:those|that|the)\b[^.!?]*?\b(?:exercises|dry|elevated|iced|brace|on)\b[^.!?—]*",
            r"\b(?:he|she|they)\s+(?:says|said|is|was|just)\b[^.!?]*?\b(?:rehab|PT|surgery|session|"
            r"stable|recovering|discharged|napping|room)\b[^.!?]*",
            r"\b(?:[Hh]e|[Ss]he)['’]s\s+(?:out\s+of\s+surgery|thriving|doing\s+great|recovering)[^.!?]*",
            r"\bshould\s+be\s+discharged\b",
            r"\byou\s+(?:came\s+to\s+us|then\s+missed|missed|had|were\s+seen|were\s+here)\b",
            r"\b(?:was|were)\s+(?:such\s+a\s+trooper|so\s+brave)\b[^.!?]*",
            r"\bwith\s+a\s+failing\b[^.!?]*",
            r"\bcontinued\s+smoking\b[^.!?]*",
            r"\b(?:as\s+)?Dr\.\s+[A-Z]\w+\s+(?:explained|said|noted|did|tried)\b[^.!?,]*",
            r"\bDr\.\s+[A-Z]\w+['’]s\s+(?:nurse|return-to-work|note|office)\b[^.!?]*",
            r"\b(?:we\s+still\s+talk\s+about|we\s+miss\s+you\s+on)\b[^.!?]*",
            r"\b(?:the|that)\s+(?:soreness|swelling|redness|bruising)\s+from\s+your\b[^.!?]*",
            r"\bnew\s+(?:hip|knee|retainer|smile)\s+is\b[^.!?]*",
            r"\b(?:that|the)\s+ACL\s+is\b[^.!?]*",
            r"\bnos\s+alegra\b[^.!?]*|\bfue\s+un\s+honor\b[^.!?,]*",
            r"\bthe\s+number\s+(?:on|in)\s+your\s+chart\b",
            rf"\b(?:your|his|her)\s+{_RELATIVE}\s+(?:were|was|is|are|did|had)\b[^.!?—]*",
            r"\b(?:caught|treated|saw|helped|got|took\s+care\s+of)\s+(?:his|her|him|them|your)\b[^.!?]*",
        ]
    ),
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.!?;:](?=\s|$|[\"')\]])|\s[—–-]\s|[\U0001F300-\U0001FAFF\u2600-\u27BF]")


class ReplyConfirmationRecognizer(Recognizer):
    types = (IdentifierType.CONFIRMS_PATIENT,)

    def find(self, doc: Document) -> Iterator[Candidate]:
        if doc.kind is not ScanKind.REPLY:
            return
        last_end = -1
        for match in _TRIGGERS.finditer(doc.text):
            if match.start() < last_end:
                continue
            end = _clause_end(doc.text, match.end())
            last_end = end
            yield Candidate(
                IdentifierType.CONFIRMS_PATIENT,
                match.start(),
                end,
                0.8,
                "This reply confirms the person is or was a patient, or describes their care; "
                "a reply may thank them and move the conversation offline, but never confirm a "
                "relationship.",
                inherent=True,
            )


def _clause_end(text: str, position: int) -> int:
    match = _CLAUSE_END.search(text, position)
    end = match.start() if match else len(text)
    return len(text[:end].rstrip(" ,"))
