"""Which parts of a post are about someone's care.

An identifier is PHI when it is tied to a person's health, care or payment, or to the bare fact that
they are a patient (45 CFR 160.103). A name in a staff shout-out is not; the same name beside
"discharged" or "rang the bell" is. These cue lists are how the scanner tells the two apart; each
cue is a plain word or phrase a reviewer would point to.
"""

from __future__ import annotations

import re
from functools import cache

from phigate.scanning.document import Document

# Words that put a sentence in the middle of someone's care.
_CARE = r"""
(?:our|my|a|the|this|that|PT|favorite|longest-standing)\ (?:[\w-]+\ ){0,2}patient(?!\ (?:portal|relations|advocate|experience|safety|privacy|services|access|financial|navigator|transport\w*|care\ team))|patient\ of\ the|resident|surgery|surgeries|surgical|operation|transplant|
transplanted|discharged?|admitted|admission|diagnos\w*|treatment|treated|chemo\w*|radiation|
infusion|dialysis|rehab\w*|recover\w*|heart\ attack|cardiac\ arrest|stroke|cancer-free|
tumou?r|fracture[ds]?|broke|broken|injur\w*|concussion|sprain\w*|torn|tore|ruptured?|dislocated|
ICU|NICU|PICU|CVICU|MICU|trauma\ bay|ambulance|airlifted|life-?flighted|was\ born|were\ born|born\ at|
arrived\ at|stitches|filling|root\ canal|implant(?:ed)?|braces|retainer|extract(?:ed|ion)|
flu\ shots?|booster|jab|biopsy|mammogram|screened|x-?rays?|MRI|rang\ the\ bell|passed\ away|
passed\ peacefully|passed|hospice|went\ home|going\ home|headed\ home|came\ in|came\ to\ us|
brought\ in|cared\ for|caring\ for|care\ for|visit|appointment|consult|follow-?up|prescription|
meds|medication|insulin|relapsed?|ACL|knee\ replacement|new\ (?:hip|knee)|bypass|stent|pacemaker|
LVAD|TAVR|melanoma|lymphoma|leukemia|post-?op|post-?transplant|survivor|alum|warrior|fighter|
keep\ fighting|get\ well|speedy\ recovery|thriving|remission|sepsis|seizure|overdose|burns|
wound\ care|bedside|intubated|extubated|ventilator|coded|CPR|resuscitat\w*|premature|preemie|
c-?section|dementia|memory\ care|hearing\ aid|filler|botox|peel\ series|PicoSure|mastectomy|
lumpectomy|colonoscopy|endoscopy|labor|labou?r\ and\ delivery|ER\ visit|in\ the\ ER|to\ the\ ER|
ED\ bay|our\ ED|ER|hospitali[sz]ed|physical\ therapy|PT\ session|his\ care|her\ care|
their\ care|your\ care|emergency|pickup|picked\ up\ (?:his|her)|diagnosis|condition|
\w+(?:ectomy|otomy|ostomy|plasty|oscopy)|cleaning|whitening|check-?ups?|shots|sober|sobriety|IOP|cavity-free|last\ hours|nursing\ home|home\ health|wristband|on\ rounds|blood\ pressure|A1C|stitches|sessions?\ of|before\ ?/\ ?after|before\ and\ after|biologic|skin|tear|ER|paciente|visita|shot|visitor|residential\ program|substance\ use|detox|presented\ with|case\ report|psych\ unit|is\ back\ for|dentista|cirugía|tratamiento|ciclo|quimio\w*|hospitalizad[oa]|residencia|chirurgie|résidente?
"""

# Words that say the sentence is about staff, an event or the organization, not someone's care.
_NOT_CARE = r"""
join\ us|register|registration|rsvp|webinar|seminar|class|classes|workshop|tour|open\ house|
open|opens|opening|free|walk-ins?|located|locations|hiring|job\ fair|we're\ hiring|apply|welcome\ (?:dr|our\ new)|accepting\ new\ patients|
now\ enrolling|enroll|trial|study|conference|award|accreditation|grade|rating|ranked|
donat\w*|donor|sponsor\w*|volunteer\w*|fundrais\w*|5k|10k|fun\ run|walk|gala|
anniversary\ (?:of|at)|years\ (?:at|with\ us|of\ service)|retirement|retiring|employee\ of\ the|
nurses?\ week|match\ day|fellowship|residency|interns?|
closed|open\ (?:daily|24/7|today|tomorrow)|open\ hours|clinic\ hours|maintenance|outage|
stock\ image|composite|actor|actors|mannequin|simulat\w*|illustration|not\ real\ patients?|
de-identified|aggregate|statistic\w*|median|average|percent|%|
dog|dogs|puppy|pup|cat|cats|kitten|pet|pets|parrot|horse|golden\ retriever|labradoodle|
animal|veterinar\w*|vet|paws?|tplo|spayed|neutered
"""


@cache
def _pattern(source: str) -> re.Pattern[str]:
    words = "|".join(w for w in re.split(r"\|\s*", source.strip().replace("\n", "")) if w)
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE | re.VERBOSE)


def care_cues(text: str) -> list[re.Match[str]]:
    return list(_pattern(_CARE).finditer(text))


def non_care_cues(text: str) -> list[re.Match[str]]:
    return list(_pattern(_NOT_CARE).finditer(text))


def sentence_has_care(doc: Document, position: int) -> bool:
    start, end = doc.sentence_at(position)
    return bool(_pattern(_CARE).search(doc.text, start, end))


def post_has_care(doc: Document) -> bool:
    return bool(_pattern(_CARE).search(doc.text))
