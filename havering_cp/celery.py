"""The Celery app. The beat schedule lives here, in code, in Europe/London time."""

import os
from datetime import timedelta

from celery import Celery, signals
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings")

app = Celery("havering_cp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task modules of sub-packages, which autodiscovery (one ``tasks`` per app) misses.
app.autodiscover_tasks(["actions.kpis"])


def _make_folders(*folders) -> None:
    for folder in filter(None, folders):
        os.makedirs(folder, exist_ok=True)


# The filesystem broker (the no-server default) needs its folders before the first
# message, in whichever process sends or receives it.
if app.conf.broker_url.startswith("filesystem://"):
    _options = app.conf.broker_transport_options
    _make_folders(*(_options.get(key) for key in ("data_folder_in", "processed_folder", "control_folder")))


@signals.beat_init.connect
def _make_beat_folder(sender=None, **kwargs):
    _make_folders(os.path.dirname(app.conf.beat_schedule_filename))


@signals.worker_init.connect
def _warm_up_process(sender=None, **kwargs):
    """Import the views and compile the templates once in the worker's main process, before
    its pool forks (as gunicorn's master does): no task pays for it, the first warming run
    after a write included."""
    from havering_cp.warmup import warm_up

    warm_up()


@signals.worker_ready.connect
def _warm_pages_on_start(sender=None, **kwargs):
    """The pages people open first, computed as soon as a worker can (panel.warm)."""
    from core.tasking import send_now
    from panel.warm import TASK, warming

    if warming():
        send_now(TASK)


app.conf.beat_schedule = {
    # The pages people open first, computed before they ask (panel.warm): often enough that
    # their entries never expire, and the first run after midnight makes the new day's.
    "warm-pages": {
        "task": "panel.tasks.warm_pages",
        "schedule": timedelta(seconds=max(60, settings.CACHE_SECONDS - 60)),
    },
    "clear-expired-sessions": {
        "task": "panel.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    # The dashboard's month-by-month ratings: the month just closed, or one a back-dated
    # change made to be rated again (actions.month_ends).
    "rate-closed-months": {
        "task": "actions.tasks.rate_closed_months",
        "schedule": crontab(hour=0, minute=10),
    },
    "participation-derived-kpis": {
        "task": "participation.tasks.record_derived_kpis",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
    "participation-anonymise-closed-referrals": {
        "task": "participation.tasks.anonymise_closed_referrals",
        "schedule": crontab(hour=2, minute=30),
    },
    # Hourly, so a period missed while beat or the broker was down is caught up soon after.
    "build-due-reports": {
        "task": "panel.tasks.build_due_reports",
        "schedule": crontab(minute=5),
    },
    "iv-weekly-digest": {
        "task": "panel.tasks.send_iv_digest",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
    "participation-weekly-digest": {
        "task": "panel.tasks.send_participation_digest",
        "schedule": crontab(day_of_week="mon", hour=8, minute=5),
    },
    "lead-reminders-before-meetings": {
        "task": "panel.tasks.send_lead_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "kpi-commentary-reminders-before-meetings": {
        "task": "panel.tasks.send_commentary_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
    # An import whose run stopped without saying so (a lost worker) ends within minutes of its timeout.
    "stop-timed-out-kpi-imports": {
        "task": "actions.kpis.tasks.stop_timed_out_kpi_imports",
        "schedule": crontab(minute="*/5"),
    },
    "discard-stale-kpi-import-previews": {
        "task": "actions.kpis.tasks.discard_stale_kpi_import_previews",
        "schedule": crontab(hour=3, minute=30),
    },
}
