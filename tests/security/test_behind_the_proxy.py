"""Behind the TLS proxy every request arrives from the proxy's address. The lock-out, the young
people's message limit and the security log must still tell people apart (by the address the
proxy appends to X-Forwarded-For) and must not believe an address the client wrote itself."""

import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from actions.roles import Role
from core.client_address import client_address
from participation.models import YoungPersonMessage
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"


@pytest.fixture(autouse=True)
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def through_proxy(client_ip: str, forged: str = "") -> dict:
    """What the proxy passes on: it connects from its own address and appends the client's
    to whatever X-Forwarded-For the client sent."""
    header = f"{forged}, {client_ip}" if forged else client_ip
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": header}


def sign_in(client, username, password, **meta):
    return client.post(reverse("login"), {"username": username, "password": password}, **meta)


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ATTACKER}, PROXY),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ATTACKER}, ATTACKER),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{COLLEAGUE}, {ATTACKER}"}, ATTACKER),
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"1.1.1.1, {ATTACKER}, 10.0.0.3"}, ATTACKER),
        (1, {"REMOTE_ADDR": PROXY}, PROXY),  # not through the proxy
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_the_last_trusted_proxy_appended(settings, proxies, meta, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(RequestFactory().get("/", **meta)) == expected


def test_a_spraying_address_behind_the_proxy_does_not_lock_out_everyone(client, settings):
    victims = [UserFactory(username=f"spray{n}", role=Role.PANEL_MEMBER) for n in range(6)]
    for victim in victims[: settings.AXES_IP_USERNAME_LIMIT]:
        sign_in(client, victim.username, "Summer2026!", **through_proxy(ATTACKER))
    # A colleague on another machine signs in with the right password through the same proxy.
    response = sign_in(client, victims[-1].username, TEST_PASSWORD, **through_proxy(COLLEAGUE))
    assert response.status_code == 302


def test_a_forged_forwarded_header_does_not_free_a_locked_address(client, settings):
    victims = [UserFactory(username=f"spray{n}", role=Role.PANEL_MEMBER) for n in range(6)]
    for victim in victims[: settings.AXES_IP_USERNAME_LIMIT]:
        sign_in(client, victim.username, "Summer2026!", **through_proxy(ATTACKER, forged=COLLEAGUE))
    response = sign_in(
        client, victims[-1].username, TEST_PASSWORD, **through_proxy(ATTACKER, forged=COLLEAGUE)
    )
    assert response.status_code == 429


def test_messages_from_one_young_person_do_not_use_up_everyones(settings, redis_cache):
    """The per-address ceiling counts the client's address, not the proxy's and not a forged one:
    one sender's messages, each from a new browser with a new forged header, reach the ceiling
    for their own address only."""
    settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR = 100  # the per-browser limit is not what is tested
    settings.YOUNG_PEOPLE_MESSAGES_PER_HOUR_PER_ADDRESS = 2
    answers = [
        Client()
        .post(
            reverse("young_people"), {"text": f"Message {n}"}, **through_proxy(ATTACKER, forged=f"10.1.1.{n}")
        )
        .status_code
        for n in range(3)
    ]
    assert answers == [302, 302, 429]
    other = Client().post(reverse("young_people"), {"text": "From elsewhere"}, **through_proxy(COLLEAGUE))
    assert other.status_code == 302
    assert YoungPersonMessage.objects.count() == 3  # two of the first three, and this one


def test_the_security_log_records_the_clients_address(client, users, caplog):
    client.force_login(users["panel"])
    with caplog.at_level(logging.WARNING, logger="hcp.security"):
        response = client.get("/participation/iv/referrals/", **through_proxy(ATTACKER, forged=COLLEAGUE))
    assert response.status_code == 403
    refusals = [r.getMessage() for r in caplog.records if r.name == "hcp.security"]
    assert refusals == [
        f"refused status=403 user_id={users['panel'].pk} address={ATTACKER} method=GET "
        "path=/participation/iv/referrals/"
    ]
