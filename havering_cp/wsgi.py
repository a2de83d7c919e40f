import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "havering_cp.settings")

application = get_wsgi_application()

from havering_cp.warmup import warm_up  # noqa: E402 - needs the settings loaded above

warm_up()
