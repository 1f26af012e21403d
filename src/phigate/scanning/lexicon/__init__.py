"""Word lists the recognizers share: given names, surnames, common words and care vocabulary.

Given names and surnames come from Faker's person providers (MIT-licensed tables for many locales),
read once on first use, so a Vietnamese, Polish or Yoruba name is as visible as an English one.
"""

from __future__ import annotations

import importlib
import unicodedata
from functools import cache

# Locales whose name tables we read: the languages of the communities US providers serve most.
_LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "en_CA", "es_MX", "es_ES", "es_CO", "pt_BR", "fr_FR",
    "fr_CA", "it_IT", "de_DE", "pl_PL", "ru_RU", "uk_UA", "vi_VN", "tr_TR", "zh_CN", "ko_KR",
    "ja_JP", "hi_IN", "ar_AA", "fa_IR", "yo_NG", "zu_ZA", "tw_GH", "el_GR", "nl_NL", "sv_SE",
    "no_NO", "da_DK", "cs_CZ", "hu_HU", "ro_RO", "he_IL", "ka_GE", "hy_AM", "th_TH", "id_ID",
)  # fmt: skip

# Given names that are also everyday words: they count as names only with more evidence.
AMBIGUOUS_GIVEN_NAMES = frozenset(
    [
        "will",
        "may",
        "june",
        "april",
        "august",
        "grace",
        "hope",
        "joy",
        "faith",
        "summer",
        "autumn",
        "dawn",
        "angel",
        "crystal",
        "destiny",
        "honey",
        "star",
        "sunny",
        "happy",
        "rich",
        "bill",
        "mark",
        "pat",
        "sue",
        "art",
        "chase",
        "hunter",
        "major",
        "king",
        "royal",
        "miracle",
        "precious",
        "heaven",
        "justice",
        "liberty",
        "patience",
        "harmony",
        "mercy",
        "trinity",
        "genesis",
        "bean",
        "bear",
        "buddy",
        "champ",
        "coach",
        "chance",
        "page",
        "young",
        "long",
        "rose",
        "lily",
        "daisy",
        "ivy",
        "iris",
        "jade",
        "amber",
        "ruby",
        "pearl",
        "opal",
        "violet",
        "hazel",
        "river",
        "sky",
        "storm",
        "rain",
        "max",
        "guy",
        "don",
        "ray",
        "gene",
        "drew",
        "rob",
        "bob",
        "sterling",
        "price",
        "carter",
        "mason",
        "cook",
        "taylor",
        "parker",
        "bishop",
        "dean",
        "frank",
        "earnest",
        "ernest",
        "noble",
        "sage",
        "wade",
        "cash",
        "colt",
        "gray",
        "grey",
        "blue",
        "golden",
        "christian",
        "love",
        "sweet",
        "brook",
        "brooks",
        "chip",
        "doc",
        "ace",
        "duke",
        "prince",
        "queen",
        "lady",
        "sir",
        "miss",
        "dee",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "january",
        "february",
        "march",
        "october",
        "november",
        "december",
        "north",
        "south",
        "east",
        "west",
        "hall",
        "lane",
        "field",
        "wood",
        "street",
        "church",
        "bell",
        "hill",
        "park",
        "bay",
        "day",
        "meadow",
        "willow",
        "aspen",
        "cedar",
        "maple",
        "oakley",
        "forest",
        "stone",
        "rock",
        "glen",
        "dale",
    ]
)


@cache
def _tables() -> tuple[frozenset[str], frozenset[str]]:
    given: set[str] = set()
    family: set[str] = set()
    for locale in _LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:
            continue
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            values = getattr(provider, attribute, None)
            if values:
                given.update(v.lower() for v in values if isinstance(v, str) and v.isalpha())
        values = getattr(provider, "last_names", None)
        if values:
            family.update(v.lower() for v in values if isinstance(v, str) and len(v) > 2)
    return frozenset(given), frozenset(family)


def given_names() -> frozenset[str]:
    return _tables()[0]


def family_names() -> frozenset[str]:
    return _tables()[1]


@cache
def common_words() -> frozenset[str]:
    from faker.providers.lorem.en_US import Provider as EnglishWords

    return frozenset(w.lower() for w in EnglishWords.word_list)


def _without_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def is_given_name(word: str) -> bool:
    lowered = word.lower()
    return lowered in given_names() or _without_accents(lowered) in given_names()


def is_family_name(word: str) -> bool:
    return word.lower() in family_names()


def is_plain_word(word: str) -> bool:
    """Whether a capitalized word is more likely an ordinary word than a name."""
    lowered = word.lower()
    return lowered in AMBIGUOUS_GIVEN_NAMES or lowered in common_words()
