"""Without SMTP the reminders are shown where the person works: My posts and the privacy dashboard."""

from __future__ import annotations

from datetime import date, timedelta

from phigate.compliance.people import Role
from phigate.compliance.training import TrainingCompletion, add_months
from phigate.notifications.delivery import send_reminders
from tests.web.conftest import Site


def _trained(site: Site, person_id: str, on: date) -> None:
    service = site.service()
    service.record_training(TrainingCompletion(person_id, "social-media-privacy", on, 95, "1"))
    service.session.commit()


def test_reminders_are_listed_for_their_recipient_only(site: Site) -> None:
    today = date.today()
    site.person("po@example.org", {Role.PRIVACY_OFFICER})
    due = site.person("dana@example.org", {Role.AUTHOR}, trained=False)
    lapsed = site.person("lee@example.org", {Role.AUTHOR}, trained=False)
    site.person("cam@example.org", {Role.AUTHOR})  # trained a month ago: current
    _trained(site, due.id, add_months(today, -12) + timedelta(days=20))
    _trained(site, lapsed.id, add_months(today, -13))

    service = site.service()
    send_reminders(service, None)
    service.session.commit()

    mine = site.sign_in("dana@example.org").get("/posts").text
    assert "Reminders" in mine and "Your privacy training refresher is due on" in mine
    assert lapsed.id not in mine

    dashboard = site.sign_in("po@example.org").get("/privacy").text
    assert f"Privacy training lapsed for staff member {lapsed.id}" in dashboard
    assert 'href="/privacy"' in dashboard

    quiet = site.sign_in("cam@example.org").get("/posts").text
    assert "Nothing is due." in quiet
