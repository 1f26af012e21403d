"""Names of patients and their relatives, Safe Harbor (A), 45 CFR 164.514(b)(2)(i)(A).

Safe Harbor covers the individual and their relatives, employers and household members, and HHS
counts initials as identifying. Staff, volunteers, donors and public officials named in their role
are not PHI; the recognizer leaves them out by the title or role word beside the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phigate.scanning.document import Document
from phigate.scanning.identifiers import IdentifierType
from phigate.scanning.lexicon import (
    common_words,
    family_names,
    given_names,
    is_family_name,
    is_given_name,
    is_plain_word,
)
from phigate.scanning.recognizers.base import Candidate, Recognizer

NAME = IdentifierType.NAME

# Words before a name that say "this is a person", often a patient: the honorific stays outside
# the span (dev_posts convention: Mr. [Delgado], baby [Iris]).
_HONORIFIC = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Mx|Sra|Srta|Mme|Mlle)\.?|Miss|Mister|doña|don|señora|señor|madame|"
    r"monsieur|Sister)\s+$"
)
_PERSON_CUE = re.compile(
    r"(?:\b(?:baby|lil|little|sweet|brave|miss|nana|papa|grandpa|grandma|"
    r"granny|abuela|abuelo|mamá|papá|tía|tío|aunt|auntie|uncle|coach|buddy|mama|mom|dad|son|daughter|husband|wife|"
    r"grandson|granddaughter|nephew|niece|cousin|boyfriend|girlfriend|fiancée?|partner|twins?|"
    r"sibling|brother|sister|girl|boy|kiddo|patient|resident|friend|neighbor|neighbour|survivor|"
    r"warrior|fighter|alum|veteran|pitcher|goalie|player|hero|champ|bride|groom|"
    r"mother|father|grandmother|grandfather|parents?|family\s+of|wife,|husband,|named))\s+$",
    re.IGNORECASE,
)
# "our patient Hiroshi", "resident Hattie", "abuela Chayo": any capitalized word after is a name.
_STRONG_CUE = re.compile(
    r"\b(?:patient|resident|residents|abuela|abuelo|mamá|papá|grandson|granddaughter|baby|lil)\s+$",
    re.IGNORECASE,
)
# A title or role before the name marks staff, clergy, officials or supporters: not PHI.
_ROLE_BEFORE = re.compile(
    r"(?:\b(?i:Dr|Doctor|Nurse|RN|NP|PA|Rev|Reverend|Rabbi|Imam|Father|Pastor|Chaplain|Captain|"
    r"Capt|Officer|Chief|Sheriff|Deputy|Mayor|Senator|Rep|Governor|Judge|Prof|Professor|CEO|CNO|"
    r"CMO|President|Director|Manager|Supervisor|Coordinator|Navigator|clerk|consultant|transporter|"
    r"technologists?|tech|therapist|pharmacist|hygienist|dentist|assistant|aide|CNA|LPN|driver|"
    r"navigator|lead|host|emcee|Executive|Commissioner|Councilmember|medalist|native|"
    r"volunteers?|donors?|sponsors?|winners?|gardeners?|handler|chaplains?|officers?|interns?|"
    r"residents?\s+Dr|nurses?|physicians?|surgeons?|cardiologist|oncologist|neonatologist|"
    r"dermatologists?|dermatologist|pediatrician|hospitalist|midwife|doula|PT|DPT|OT|ATC|"
    r"trainer|instructor|teacher|educator|speaker|author|artist|chef|sponsor|partner\s+at|"
    r"employee\s+of\s+the\s+(?:month|year)|staff|team\s+member|colleague|coworker|co-worker|"
    r"anchor|reporter|welcome|meet\s+(?:our|dr)|congratulations\s+to\s+(?:dr|nurse)|"
    r"Cap|Lt|Sgt|Gen|Col|Hon|Ald)\.?)[,:]?\s+(?:[A-Z][\w'’.-]*\s+){0,2}$",
)
# A credential or job title after the name marks a clinician or staff member.
_CREDENTIAL_AFTER = re.compile(
    r"^,?\s*\(?(?:(?:our\s+|patient\s+|unit\s+)?(?:transporter|director|manager|coordinator|"
    r"clerk|secretary|volunteer|chaplain|navigator|technologist|lead|supervisor|officer|"
    r"[\w-]+\s+(?:director|manager|nurse|lead|coordinator))|RN|BSN|MSN|MD|DO|NP|FNP|APRN|PA-C|PA|PharmD|RPh|ATC|RRT|NNP|JD|DDS|DMD|RDH|"
    r"PT|DPT|OT|OTR|CNA|LPN|MSW|LCSW|LPC|PhD|PsyD|CRNA|CNM|MBA|MPH|FACS|FACC|IBCLC|RD|CCC-SLP|SLP|"
    r"neonatologist|our\s+\w+\s+(?:director|manager|nurse|lead))\b"
)
# Names in these hashtags are a patient's support campaign (#TeamLiam, #StrongLikeSofia).
_HASHTAG_PREFIX = re.compile(
    r"^#(?:team|strong(?:like)?|prayfor|prayers?for|pray4|love|fightlike|go|support|"
    r"standwith|bravelike|hugsfor|wearegreenfor|wegot)(?=.)",
    re.IGNORECASE,
)
_HASHTAG_SUFFIX = re.compile(
    r"(?:strong|army|nation|squad|warrior|fighter|crew|tough|moves|journey|fights|story|"
    r"recovery|comeback|walks|runs|wins)$",
    re.I,
)
_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,3}(?!\w)|(?<![\w.])[A-Z]\.(?=\s+[A-Z][a-z]+\b)")
_NOT_INITIALS = frozenset(
    [
        "U.S.",
        "A.M.",
        "P.M.",
        "E.R.",
        "I.V.",
        "R.N.",
        "M.D.",
        "D.O.",
        "P.T.",
        "O.T.",
        "Q.I.",
        "N.P.",
        "P.A.",
        "D.C.",
        "U.K.",
        "E.U.",
        "L.A.",
        "N.Y.",
        "B.C.",
        "A.D.",
        "I.D.",
        "T.V.",
        "O.R.",
        "C.T.",
        "S.O.S.",
        "R.I.P.",
        "A.K.A.",
        "E.G.",
        "I.E.",
        "P.S.",
    ]
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Institutions and departments that follow "patient", "little" or a surname-like word.
_INSTITUTION = frozenset(
    [
        "Relations",
        "Advocate",
        "Advocates",
        "Experience",
        "Portal",
        "Services",
        "Access",
        "Safety",
        "Privacy",
        "Navigator",
        "Care",
        "Family",
        "Financial",
        "Council",
        "Center",
        "Centre",
        "Hospital",
        "Clinic",
        "School",
        "Preschool",
        "Academy",
        "Church",
        "Team",
        "Department",
        "Foundation",
        "Fund",
        "House",
        "Hall",
        "Award",
        "Gala",
        "Program",
        "Unit",
        "Society",
        "Association",
        "Club",
        "Institute",
        "Library",
        "Pharmacy",
        "Health",
        "Medical",
    ]
)


def _is_title_word(word: str) -> bool:
    """A capitalized word ("Bình", "Ruiz-Moreno"), checked with Unicode case rules."""
    parts = word.replace("’", "'").split("-")
    return all(
        len(part) > 1 and part[0].isupper() and part[1:].replace("'", "").islower()
        for part in parts
    )


class NameRecognizer(Recognizer):
    types = (NAME,)

    def __init__(self) -> None:
        # Read the name tables now, so the first scan is as fast as every other one.
        given_names()
        family_names()

    def find(self, doc: Document) -> Iterator[Candidate]:
        found: list[Candidate] = []
        found.extend(_labelled(doc))
        found.extend(self._hashtags(doc))
        found.extend(self._person_names(doc))
        found.extend(self._initials(doc))
        yield from _every_occurrence(doc, found)

    def _hashtags(self, doc: Document) -> Iterator[Candidate]:
        for word in doc.words:
            tag = word.text
            if not tag.startswith("#") or len(tag) < 4:
                continue
            rest = _HASHTAG_PREFIX.sub("", tag).lstrip("#")
            rest = _HASHTAG_SUFFIX.sub("", rest) or rest
            parts = re.findall(r"[A-Z][a-z]+|[A-Z]{2,}(?![a-z])|[a-z]+", rest)
            # A campaign prefix (#Team..., #PrayFor...) is evidence enough for an everyday name.
            named = rest != tag.lstrip("#") and (
                any(is_given_name(p) for p in parts) or (rest.isupper() and 1 < len(rest) <= 3)
            )
            if named:
                yield Candidate(
                    NAME, word.start, word.end, 0.85, "A hashtag built on a person's name."
                )

    def _person_names(self, doc: Document) -> Iterator[Candidate]:
        text = doc.text
        staff: set[str] = set()
        previous_staff_end = -1
        for match in _WORD.finditer(text):
            start, end = match.span()
            if start > 0 and text[start - 1] in "#@":
                continue
            token = _strip_possessive(match.group())
            end = start + len(token)
            if token in staff:
                continue
            # Most words are neither capitalized nor a known given name: skip them before the
            # context patterns, which are the costly part of this recognizer.
            if not (_is_title_word(token) or (token.islower() and is_given_name(token))):
                continue
            before = text[max(0, start - 60) : start]
            honorific = bool(_HONORIFIC.search(before))
            cued = honorific or bool(_PERSON_CUE.search(before))
            if _is_title_word(token) and _ROLE_BEFORE.search(before):
                # Named in a role: staff, volunteer, official. Later mentions are staff too.
                span_end = _extend_surname(text, end)
                staff.update(text[start:span_end].split())
                previous_staff_end = span_end
                continue
            if not _is_title_word(token):
                # Lowercase names count only right after a cue ("lil theo", "baby iris").
                if not (
                    cued and token.islower() and is_given_name(token) and not is_plain_word(token)
                ):
                    continue
            elif token in _INSTITUTION or not (
                honorific
                or _looks_like_name(token, cued, doc, start)
                or (_STRONG_CUE.search(before) and not is_plain_word(token))
            ):
                continue
            span_end = _extend_surname(text, end)
            after = text[span_end : span_end + 40]
            # Staff lists ("volunteers Pat, Lorraine and Gus") share the role of their first name.
            in_staff_list = previous_staff_end >= 0 and re.fullmatch(
                r"\s*(?:,|&|and|,\s*and)\s*", text[previous_staff_end:start]
            )
            if (
                _ROLE_BEFORE.search(before)
                or _CREDENTIAL_AFTER.match(after)
                or in_staff_list
                or doc.profile.owns_term(text[start:span_end])
            ):
                staff.update(text[start:span_end].split())
                previous_staff_end = span_end
                continue
            score = 0.9 if cued else 0.7
            yield Candidate(NAME, start, span_end, score, _reason(cued))

    def _initials(self, doc: Document) -> Iterator[Candidate]:
        for match in _INITIALS.finditer(doc.text):
            if match.group().upper() in _NOT_INITIALS:
                continue
            before = doc.text[max(0, match.start() - 40) : match.start()]
            if _ROLE_BEFORE.search(before):
                continue
            yield Candidate(
                NAME, match.start(), match.end(), 0.75, "Initials identify a person (HHS guidance)."
            )


# Screens, charts and wristbands: "Name: GRAHAM, ELIZABETH", "Pt: Laurie Barnes", "ERICKSON, Rita".
_NAME_LABEL = re.compile(
    r"\b(?:Name|Patient|Pt|Resident|Pt\s+name|Patient\s+name)\s*[:#-]\s*"
    r"(?P<name>[^\W\d_][\w'’-]*(?:(?:,\s*|\s+)[^\W\d_][\w'’-]*){0,3})",
    re.IGNORECASE,
)
_SURNAME_FIRST = re.compile(r"\b(?P<name>[A-Z][A-Z'’-]{2,},\s*[A-Z][A-Za-z'’-]+)\b")
_LABEL_WORDS = frozenset(
    [
        "mrn",
        "dob",
        "room",
        "rm",
        "bed",
        "age",
        "sex",
        "allergies",
        "allergy",
        "dx",
        "npo",
        "diet",
        "admitted",
        "md",
        "dr",
        "rn",
        "attending",
        "nurse",
        "fall",
        "risk",
        "code",
        "status",
        "isolation",
        "id",
        "acct",
        "account",
    ]
)


def _labelled(doc: Document) -> Iterator[Candidate]:
    text = doc.text
    for match in _NAME_LABEL.finditer(text):
        start, end = match.span("name")
        words = re.finditer(r"[^\W\d_][\w'’-]*", text[start:end])
        kept_end = start
        for word in words:
            if word.group().lower().rstrip(":") in _LABEL_WORDS:
                break
            kept_end = start + word.end()
        if kept_end > start:
            # "Patient:" and "Pt:" say whose name it is; a bare "Name:" could be a staff badge.
            label = text[match.start() : start].lower()
            yield Candidate(
                NAME, start, kept_end, 0.9, "A patient's name, labelled as one on a screen or chart.",
                inherent=label.startswith(("pt", "patient", "resident")),
            )  # fmt: skip
    for match in _SURNAME_FIRST.finditer(text):
        surname, _, given = match.group("name").partition(",")
        if is_family_name(surname) or is_given_name(given.strip()) or is_family_name(given.strip()):
            yield Candidate(
                NAME,
                match.start(),
                match.end(),
                0.85,
                "A name written surname first, as on a wristband or chart.",
            )


def _strip_possessive(token: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _looks_like_name(token: str, cued: bool, doc: Document, start: int) -> bool:
    if cued:
        return is_given_name(token) or (is_family_name(token) and not is_plain_word(token))
    if not is_given_name(token):
        return False
    if not is_plain_word(token):
        return True
    # An ambiguous given name ("Will", "Grace") needs a surname after it, or must be spoken to
    # ("Mason, you are brave"; "Mason you are brave") while not being an everyday word.
    rest = doc.text[start + len(token) :]
    following = re.match(r"\s+([A-Z][a-z]+)", rest)
    if following and is_family_name(following.group(1)):
        return True
    return token.lower() not in common_words() and bool(re.match(r",?\s+you\b|!", rest))


def _extend_surname(text: str, end: int) -> int:
    """Take in up to two following surname words and a trailing initial ("Ava R.")."""
    for _ in range(2):
        match = re.match(r"\s([^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)?)", text[end:])
        if not match:
            break
        word = _strip_possessive(match.group(1))
        if not _is_title_word(word) and not word.isupper():
            break
        if (
            word.isupper()
            or word in _INSTITUTION
            or (is_plain_word(word) and not is_family_name(word))
        ):
            break
        end += 1 + len(word)
    initial = re.match(r"\s[A-Z]\.", text[end:])
    if initial:
        end += len(initial.group())
    return end


def _reason(cued: bool) -> str:
    if cued:
        return "A person's name, introduced as a patient, relative or member of the public."
    return "A person's name; patients and their relatives may not be named without authorization."


def _every_occurrence(doc: Document, found: list[Candidate]) -> list[Candidate]:
    """Every mention of a found name is flagged, so the redacted text cannot still give it away."""
    result = list(found)
    seen = {(c.start, c.end) for c in found}
    for name in {doc.text[c.start : c.end] for c in found if c.end - c.start >= 2}:
        for token in {name, *name.split()[:1]}:
            if len(token) < 3 or not token[0].isupper() or token.lower() in common_words():
                continue
            for match in re.finditer(rf"(?<![\w#@]){re.escape(token)}(?!\w)", doc.text):
                if any(s <= match.start() < e for s, e in seen):
                    continue
                seen.add(match.span())
                result.append(
                    Candidate(
                        NAME,
                        match.start(),
                        match.end(),
                        0.8,
                        "Another mention of a name found above.",
                    )
                )
    return result
