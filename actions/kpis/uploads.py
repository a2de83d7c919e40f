"""An upload handler that stops an import file as soon as it passes the size limit.

Django writes big uploads to a temporary file whatever their size; this handler, put in
front of the others by the import view (and the statistical-neighbour models' page,
with its own limit), discards the rest of a file once it passes
``KPI_IMPORT_MAX_BYTES`` and marks that on the request, so the form can say so.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# Room for the form's other fields and the multipart boundaries.
_FORM_OVERHEAD = 64 * 1024


class ImportSizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = limit or settings.KPI_IMPORT_MAX_BYTES
        self.request_too_big = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_big = content_length > self.limit + _FORM_OVERHEAD

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.request_too_big:
            self._refuse(None)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self._refuse(start + len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self, size):
        self.request.kpi_upload_too_big = size or True
        raise SkipFile
