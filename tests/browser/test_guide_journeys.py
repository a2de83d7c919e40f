"""Each role's real task, on a 375 px phone and at 1280 px, on the demo data; axe checks
every page on the way, and the user guide's screenshots (docs/guide/) are taken here."""

import statistics
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import KPIValue
from panel import reports
from panel.demo import seed_all
from panel.models import Meeting, ProgressReport
from panel.snapshot import build_snapshot
from participation.models import ParticipationSession, Referral, YoungPersonMessage
from tests.actions.kpis.spreadsheets import LONG_HEADER, csv_bytes
from tests.browser.conftest import AXE, assert_accessible, follow, sign_in
from tests.browser.guide_screenshots import SIZES, Camera, output_dir
from tests.factories import TEST_PASSWORD
from tests.participation.helpers import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def device(browser, live_server, size):
    """A page at the size (the phone with touch, as a phone is), with the demo data loaded."""
    seed_all(password=TEST_PASSWORD)
    phone = size == "phone"
    context = browser.new_context(
        base_url=live_server.url, viewport=SIZES[size], is_mobile=phone, has_touch=phone
    )
    context.add_init_script(path=str(AXE))
    # The Django admin's pages name no icon, so Chromium asks for /favicon.ico, which the
    # portal does not have (as in test_reflow).
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: _is_a_problem(page, msg) and page.problems.append(msg.text))
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    yield page
    context.close()


@pytest.fixture
def camera_for(device, size, tmp_path):
    cameras = []

    def make(guide: str) -> Camera:
        cameras.append(Camera(device, guide=guide, size=size, folder=output_dir(tmp_path)))
        return cameras[-1]

    yield make
    for camera in cameras:
        camera.assert_took_every_declared_one()


# jQuery, which the Django admin loads, tests what the browser supports by giving elements a
# style attribute; the content security policy blocks that (as it should) and Chromium logs it.
# Nothing the admin does depends on it, so on the admin's pages only that message is let pass.
JQUERY_STYLE_PROBE = "Applying inline style violates the following Content Security Policy directive"


def _is_a_problem(page, message) -> bool:
    if message.type != "error":
        return False
    return not ("/admin/" in page.url and JQUERY_STYLE_PROBE in message.text)


def visit(page, locator) -> None:
    """Follow a link and check the page it leads to."""
    follow(locator)
    assert_accessible(page)


def menu(page, label: str) -> None:
    """Open a section from the menu, as a person would: on a phone the menu is folded away."""
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        toggle.click()
    visit(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name=label, exact=True))


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def submit(page, name: str) -> None:
    follow(page.get_by_role("button", name=name, exact=True))
    assert_accessible(page)


def test_a_panel_member_reads_the_dashboard_a_measure_and_the_latest_report(device, camera_for):
    page, camera = device, camera_for("panel-member")
    last = Meeting.objects.filter(starts_at__lt=timezone.now()).order_by("-starts_at").first()
    start, end = reports.meeting_pack_period(last)
    pack = ProgressReport.objects.create(
        kind="meeting_pack", meeting=last, period_start=start, period_end=end
    )
    assert reports.build_report(report_id=pack.pk, snapshot_builder=build_snapshot)

    sign_in(page, "panel")
    expect(page.get_by_role("heading", level=1)).to_have_text("Corporate Parenting Panel dashboard")
    assert_accessible(page)
    camera.shot("dashboard")

    menu(page, "Performance")
    camera.shot("measures", at=page.locator("main table"))
    measure = KPIValue.objects.filter(area="havering").order_by("-period_end").first().kpi
    visit(page, page.get_by_role("link", name=f"{measure.code} {measure.name}").first)
    expect(page.get_by_role("heading", level=1)).to_contain_text(measure.name[:30])
    camera.shot("measure")

    menu(page, "Dashboard")
    visit(page, page.locator("li", has_text="Latest meeting pack:").get_by_role("link"))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(ProgressReport.objects.latest("issued_at")))
    camera.shot("report")


def test_a_subgroup_lead_adds_a_progress_update(device, camera_for):
    page, camera = device, camera_for("subgroup-lead")
    sign_in(page, "lead")
    expect(page.get_by_role("heading", name="My actions", level=1)).to_be_visible()
    assert_accessible(page)
    camera.shot("my-actions")

    # The first action's title (each action's first link, whether its row or its card).
    first = page.locator('main a[href^="/plan/actions/"]').first
    title = first.inner_text()
    visit(page, first)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    camera.shot("action")
    visit(page, page.get_by_role("link", name="Add a progress update"))
    page.get_by_label("Some slippage").check()
    page.get_by_label("What was done").fill("Met the virtual school; two dates agreed for the spring.")
    page.get_by_label("Next steps").fill("Book the rooms and tell the young people.")
    camera.shot("update-form")
    submit(page, "Add update")
    expect(page.get_by_text("Your progress update has been added.")).to_be_visible()
    expect(page.get_by_text("Met the virtual school; two dates agreed for the spring.")).to_be_visible()
    camera.shot("update-added")


def test_a_participation_officer_logs_a_session_and_answers_a_message(device, camera_for):
    page, camera = device, camera_for("participation-officer")
    sessions = ParticipationSession.objects.count()
    sign_in(page, "participation")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    camera.shot("groups")

    visit(page, page.get_by_role("link", name="Say It Louder (Children in Care Council)"))
    visit(page, page.get_by_role("link", name="Log a session for this group"))
    page.get_by_label("Meeting", exact=True).check()
    fill_date(page, "held_on", days_ago(1))
    page.get_by_label("What it was about (optional)").fill("Planning the summer trip")
    page.get_by_label("Children in care").fill("7")
    page.get_by_label("Care leavers").fill("2")
    page.get_by_label("Other young people").fill("0")
    camera.shot("session-form")
    submit(page, "Save session")
    expect(page.get_by_text("Session saved.")).to_be_visible()
    assert ParticipationSession.objects.count() == sessions + 1
    camera.shot("session-saved")

    menu(page, "Participation")
    visit(page, page.get_by_role("link", name="You said, we did: the feedback tracker"))
    visit(page, page.get_by_role("link", name="messages from young people"))
    camera.shot("messages")
    visit(page, page.get_by_role("link", name="games night").first)
    page.get_by_label("You said").fill("Can we have a games night at the hub?")
    page.get_by_label("Promise (theme) it is about").select_option(label="Inspired")
    camera.shot("message")
    submit(page, 'Turn into a "You said" item')
    message = YoungPersonMessage.objects.get(text__contains="games night")
    assert message.feedback_item.said == "Can we have a games night at the hub?"
    assert not message.is_waiting


def test_an_iv_coordinator_adds_a_referral_matches_it_and_logs_a_visit(device, camera_for):
    page, camera = device, camera_for("iv-coordinator")
    sign_in(page, "ivstaff")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    camera.shot("home")

    visit(page, page.get_by_role("link", name="Add a referral").first)
    page.get_by_label("Child's reference in the social-care system").fill("LCS-DEMO-9001")
    fill_date(page, "date_of_birth", days_ago(365 * 12))
    page.get_by_label("Looked after (statutory)").check()
    page.get_by_label("In borough").check()
    fill_date(page, "received_on", days_ago(21))
    camera.shot("referral-form")
    submit(page, "Save referral")
    expect(page.get_by_role("heading", level=1)).to_contain_text("LCS-DEMO-9001")

    for link, button, on in (
        ("Record eligibility check", "Record eligibility check", days_ago(20)),
        ("Add to the waiting list for a match", "Add to the waiting list", days_ago(19)),
    ):
        visit(page, page.get_by_role("link", name=link))
        fill_date(page, "on", on)
        submit(page, button)
    visit(page, page.get_by_role("link", name="Match with a volunteer"))
    fill_date(page, "on", days_ago(12))
    page.get_by_label("Volunteer", exact=True).select_option(index=1)
    fill_date(page, "introduction_on", days_ago(10))
    camera.shot("match-form")
    submit(page, "Make the match")
    expect(page.get_by_text("The referral is now matched.")).to_be_visible()
    visit(page, page.get_by_role("link", name="Mark the match active"))
    fill_date(page, "on", days_ago(10))
    submit(page, "Mark active")

    visit(page, page.get_by_role("link", name="Log a visit"))
    fill_date(page, "visited_on", days_ago(2))
    page.get_by_label("Duration in minutes").fill("90")
    page.get_by_label("Activity or outing").check()
    camera.shot("visit-form")
    submit(page, "Save visit")
    expect(page.get_by_text("Visit saved.")).to_be_visible()
    assert Referral.objects.get(child_reference="LCS-DEMO-9001").state == "active"
    camera.shot("referral", at=page.get_by_role("heading", name="Visits (1)"))


def test_an_administrator_imports_figures_and_gives_a_new_user_a_role(device, camera_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    page, camera = device, camera_for("administrator")
    # A late correction of the latest health-assessment figure, to an ordinary value (the
    # middle of the last year's), so that the import has nothing unusual to confirm.
    series = KPIValue.objects.filter(kpi__code="W01", area="havering").order_by("-period_end")
    latest = series[0]
    corrected = statistics.median(value.value for value in series[1:13])
    figures = tmp_path / "monthly-figures.csv"
    figures.write_bytes(
        csv_bytes([LONG_HEADER, ["W01", latest.period_end.isoformat(), str(corrected), "", "", "", ""]])
    )

    sign_in(page, "admin")
    menu(page, "Performance")
    visit(page, page.get_by_role("link", name="Import figures from a spreadsheet"))
    visit(page, page.get_by_role("button", name="Upload a file"))
    page.get_by_label("File with the figures").set_input_files(str(figures))
    camera.shot("import-form")
    submit(page, "Upload and check")
    expect(page.get_by_role("heading", name="What importing it would do")).to_be_visible()
    camera.shot("import-preview")
    submit(page, "Confirm and import")
    expect(page.get_by_role("heading", name="Figures imported")).to_be_visible()
    latest.refresh_from_db()
    assert latest.value == corrected
    camera.shot("import-done")

    visit(page, page.get_by_role("link", name="Administration"))
    visit(page, page.get_by_role("link", name="Users", exact=True))
    camera.shot("users")
    visit(page, page.get_by_role("link", name="Add user"))
    page.get_by_label("Username").fill("new-lead")
    page.locator("#id_password1").fill("a-long-synthetic-passphrase-2026")
    page.locator("#id_password2").fill("a-long-synthetic-passphrase-2026")
    submit(page, "Save")
    page.get_by_label("Subgroup lead").check()
    camera.shot("user-roles")
    submit(page, "Save")
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    assert get_user_model().objects.get(username="new-lead").groups.filter(name="Subgroup lead").exists()


@pytest.mark.parametrize(
    ("username", "title"),
    [("lead", "Guide for subgroup leads"), ("ivstaff", "Guide for Independent Visitor coordinators")],
)
def test_help_opens_the_users_own_guide_first_and_fits_320_pixels(page, users, username, title):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, users[username].username)
    visit(page, page.get_by_role("link", name="Help", exact=True))
    first = page.locator("main li").first
    expect(first).to_contain_text(title)
    expect(first).to_contain_text("Your role")
    visit(page, first.get_by_role("link"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    screenshots = page.locator("main img")
    assert screenshots.count() >= 4
    for index in range(screenshots.count()):  # every picture is served, and shrinks to fit
        assert screenshots.nth(index).evaluate("(img) => img.complete && img.naturalWidth > 0")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
