from phigate.scanning import IdentifierType, OrganizationProfile, Verdict, scan
from tests.scanning.conftest import found

NAME = IdentifierType.NAME


def test_full_name_of_a_patient_blocks() -> None:
    report = scan(
        "Happy heart-iversary to Walter Kozlowski! One year ago today we implanted his LVAD."
    )
    assert report.verdict is Verdict.BLOCK
    assert "Walter Kozlowski" in found(report, NAME)


def test_first_name_after_a_family_cue_and_every_later_mention() -> None:
    report = scan(
        "Welcome home, baby Iris! 💙 She went home yesterday after surgery. We love you, Iris!"
    )
    assert found(report, NAME) == ["Iris", "Iris"]


def test_honorific_with_an_unlisted_surname() -> None:
    report = scan("Shoutout to Mrs. Okonkwo, who picked up her insulin this morning!")
    assert found(report, NAME) == ["Okonkwo"]


def test_accented_and_vietnamese_names() -> None:
    report = scan(
        "Mr. Nguyễn Văn Bình had his blood pressure checked and went to the ER. Thanks Łukasz's family too, after his knee surgery."
    )
    names = found(report, NAME)
    assert "Nguyễn Văn Bình" in names
    assert any(n.startswith("Łukasz") for n in names)


def test_name_inside_a_support_hashtag() -> None:
    report = scan(
        "Our Peds unit wore green for #TeamTJ and #StrongLikeSofia after their surgeries 💚"
    )
    assert found(report, NAME) == ["#TeamTJ", "#StrongLikeSofia"]


def test_initials_are_identifying() -> None:
    report = scan("Shoutout to R.T. in CVICU 4 who walked 10 laps two days after his triple bypass")
    assert "R.T." in found(report, NAME)


def test_lowercase_name_after_a_cue() -> None:
    report = scan("the kiddo in bed 6 had his tonsillectomy today, lil theo you are brave")
    assert "theo" in found(report, NAME)


def test_staff_with_titles_and_credentials_are_not_phi() -> None:
    report = scan(
        "Congratulations to Dr. Imani Brooks and charge nurse Yolanda Reyes-Park, RN, on 500 "
        "TAVR procedures! Volunteers Pat, Lorraine and Gus ran the infusion lounge."
    )
    assert found(report, NAME) == []
    assert report.verdict is Verdict.ALLOW


def test_staff_listed_in_the_organization_profile() -> None:
    profile = OrganizationProfile.from_mapping({"staff": [{"name": "Brianna Tull"}]})
    report = scan("Brianna Tull explains the surgery recovery timeline.", profile=profile)
    assert found(report, NAME) == []


def test_name_without_any_care_context_is_allowed() -> None:
    report = scan("Congrats to overall 5K winners Dana Liu and Marcus Oyelaran!")
    assert report.verdict is Verdict.ALLOW


def test_department_words_after_patient_are_not_names() -> None:
    report = scan("Please call our Patient Relations team or Patient Advocate at 555-0102.")
    assert found(report, NAME) == []


def test_labelled_and_surname_first_names_from_charts_and_wristbands() -> None:
    report = scan("Pt: Laurie Barnes  NPO after midnight")
    assert found(report, NAME) == ["Laurie Barnes"] and report.verdict is Verdict.BLOCK
    report = scan("ERICKSON, Rita  MRN:1128675Room:622")
    assert found(report, NAME) == ["ERICKSON, Rita"]
    assert found(report, IdentifierType.MRN) == ["1128675"]
    assert found(report, IdentifierType.OTHER_ID) == ["Room:622"]
