"""The one clock of a build: ``SOURCE_DATE_EPOCH`` when set, else now.

With ``SOURCE_DATE_EPOCH`` set, every output of the same inputs is byte-identical (PDF dates and
identifiers, EPUB ``dcterms:modified`` and zip timestamps); without it, the build date is used.
"""

from __future__ import annotations

import datetime as _dt
import os


def source_datetime() -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
    return _dt.datetime.now(tz=_dt.timezone.utc).replace(microsecond=0)


def source_date() -> _dt.date:
    return source_datetime().date()
