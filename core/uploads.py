"""Storing uploaded files with their rows, never without them.

An upload is written beside its final name under a temporary one, and moved into place
(an atomic rename on the same disk) only once the transaction that records its row has
ended well; if writing fails (a full disk) or the transaction fails, the temporary file
is removed. So a half-written file is never served, and no file is left without a row.
A full disk is a clear message on the form, not a 500.
"""

import errno
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)

NO_ROOM = (
    "The file could not be stored: the server has run out of room. Nothing was saved. "
    "Try again later, and tell the portal's administrators if it happens again."
)
NOT_STORED = "The file could not be stored. Nothing was saved. Try again later."


def _write(content, path: Path) -> None:
    content.seek(0)
    with open(path, "xb") as out:
        for chunk in content.chunks():
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())


@contextmanager
def upload_transaction() -> Iterator[Callable[[FieldFile, str, object], None]]:
    """A transaction whose uploads are moved into place only once it has ended well.

    Yields ``stage(field_file, name, content)``: it gives ``field_file`` its final name
    (save the row after it) and writes ``content`` under a temporary one; a file that
    cannot be written raises ValidationError with a message for the user.
    """
    staged: list[tuple[Path, Path]] = []

    def stage(field_file: FieldFile, name: str, content) -> None:
        storage = field_file.storage
        final = storage.get_available_name(field_file.field.generate_filename(field_file.instance, name))
        final_path = Path(storage.path(final))
        final_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = final_path.with_name(f".{final_path.name}.{uuid.uuid4().hex}.part")
        staged.append((temporary, final_path))
        try:
            _write(content, temporary)
        except OSError as error:
            logger.error("An upload could not be written to %s: %s", temporary, error)
            raise ValidationError(NO_ROOM if error.errno == errno.ENOSPC else NOT_STORED) from error
        field_file.name = final

    try:
        with transaction.atomic():
            yield stage
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final_path in staged:
        os.replace(temporary, final_path)
