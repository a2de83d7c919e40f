"""The development server's access log leaves out query strings (a child's reference typed
into the admin search travels in one)."""

import logging

import pytest


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def server_log():
    logger = logging.getLogger("django.server")
    handler = Collect()
    logger.addHandler(handler)
    yield logger, handler.lines
    logger.removeHandler(handler)


def test_runserver_access_log_drops_the_query_string(server_log, db):
    logger, lines = server_log
    # What django.core.servers.basehttp.WSGIRequestHandler.log_message sends.
    logger.info('"%s" %s %s', "GET /admin/participation/referral/?q=REF-123456 HTTP/1.1", "200", "5120")
    logger.warning('"%s" %s %s', "GET /no-such-page/?q=REF-654321&x=1 HTTP/1.1", "404", "179")
    logger.info('"%s" %s %s', "GET /panel/ HTTP/1.1", "200", "800")

    assert lines == [
        '"GET /admin/participation/referral/?… HTTP/1.1" 200 5120',
        '"GET /no-such-page/?… HTTP/1.1" 404 179',
        '"GET /panel/ HTTP/1.1" 200 800',
    ]
