import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_accessibility_statement_gives_the_contact_details_from_settings(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access-test@example.org"
    settings.ACCESSIBILITY_CONTACT_PHONE = "020 7946 0123"
    settings.ACCESSIBILITY_CONTACT_TEAM = "Synthetic Access team"
    settings.ACCESSIBILITY_REPLY_DAYS = 3
    html = client.get(reverse("accessibility")).content.decode()
    assert 'href="mailto:access-test@example.org"' in html
    assert 'href="tel:02079460123">020 7946 0123</a>' in html
    assert "contact the Synthetic Access team" in html
    assert "within 3 working days" in html
