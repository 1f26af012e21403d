"""The organization profile: the organization's own names, places, numbers and staff.

None of these are PHI when they appear in a post: the hospital's main line in "call us at ..." is
contact information, not a patient's phone (domain note SH-04 to SH-06). The profile is a small TOML
file so a privacy officer can read and edit it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ProfileError(ValueError):
    """The profile file cannot be used; the message names the file and the problem."""


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


@dataclass(frozen=True)
class OrganizationProfile:
    names: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    _phone_digits: frozenset[str] = field(init=False, repr=False, compare=False)
    _lower_terms: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Match on the last ten digits so "+1 (555) 010-0100" and "555-010-0100" are the same line.
        object.__setattr__(self, "_phone_digits", frozenset(_digits(p)[-10:] for p in self.phones))
        terms = {t.lower() for t in (*self.names, *self.places, *self.staff, *self.handles)}
        for person in self.staff:
            terms.update(part.lower() for part in person.split() if len(part) > 1)
        object.__setattr__(self, "_lower_terms", frozenset(terms))

    def owns_phone(self, number: str) -> bool:
        digits = _digits(number)
        return bool(digits) and digits[-10:] in self._phone_digits

    def owns_email(self, address: str) -> bool:
        address = address.lower()
        domain = address.rpartition("@")[2]
        return address in {e.lower() for e in self.emails} or self.owns_domain(domain)

    def owns_domain(self, host: str) -> bool:
        host = host.lower().removeprefix("www.")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def owns_term(self, text: str) -> bool:
        """Whether a name, place or handle belongs to the organization or its staff."""
        return text.lower().lstrip("#") in self._lower_terms

    @classmethod
    def from_toml(cls, path: Path) -> OrganizationProfile:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ProfileError(
                f"cannot read organization profile {path}: {error.strerror}"
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise ProfileError(f"organization profile {path} is not valid TOML: {error}") from None
        return cls.from_mapping(data, source=str(path))

    @classmethod
    def from_mapping(cls, data: dict[str, Any], source: str = "profile") -> OrganizationProfile:
        org = data.get("organization", {})
        if not isinstance(org, dict):
            raise ProfileError(f"{source}: [organization] must be a table")
        values: dict[str, tuple[str, ...]] = {}
        for key in ("names", "domains", "phones", "emails", "handles", "places"):
            raw = org.get(key, [])
            if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                raise ProfileError(f"{source}: organization.{key} must be a list of strings")
            values[key] = tuple(raw)
        staff = data.get("staff", [])
        if not isinstance(staff, list):
            raise ProfileError(f"{source}: [[staff]] must be an array of tables")
        names = []
        for index, person in enumerate(staff, start=1):
            if not isinstance(person, dict) or not isinstance(person.get("name"), str):
                raise ProfileError(f"{source}: staff entry {index} needs a name")
            names.append(person["name"])
        return cls(staff=tuple(names), **values)


EMPTY_PROFILE = OrganizationProfile()


def configured_profile() -> OrganizationProfile:
    """The profile named by PHIGATE_PROFILE (the web app, workers and jobs read the same one),
    so the organization's own numbers and names are never taken for PHI."""
    path = os.environ.get("PHIGATE_PROFILE")
    return OrganizationProfile.from_toml(Path(path)) if path else EMPTY_PROFILE
