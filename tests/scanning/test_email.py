from phigate.scanning import IdentifierType, OrganizationProfile, scan


def test_finds_a_personal_email_and_redacts_it() -> None:
    report = scan("Reach the family at maria.lopez@example.com today")
    assert [f.type for f in report.findings] == [IdentifierType.EMAIL]
    assert report.redacted == "Reach the family at [EMAIL] today"


def test_the_organizations_own_mailbox_is_not_phi() -> None:
    profile = OrganizationProfile(domains=("cedarridgemc.org",))
    report = scan("Questions? Write to info@cedarridgemc.org", profile=profile)
    assert report.findings == ()
