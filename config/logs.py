"""Logging for every process (API, worker, CLI): INFO and up from our own loggers, and every line masked.

The masking is done by the formatter of every handler, after the message and its traceback are put
together, so personal data inside an exception's text (a database error quoting an INSERT's parameters,
with the phone and the ID number) is masked as well as the messages we write ourselves. The handlers
uvicorn installs for its own loggers get the same masking wrapped around their formatters."""

from __future__ import annotations

import logging

from domain.text import mask_personal_data

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "temporalio")


class MaskingFormatter(logging.Formatter):
    """Formats as `inner` does, then masks ID numbers and mobile numbers in the whole text."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(self.inner.format(record))


def _mask(handler: logging.Handler) -> None:
    if not isinstance(handler.formatter, MaskingFormatter):
        handler.setFormatter(MaskingFormatter(handler.formatter))


def configure_logging(level: int = logging.INFO) -> None:
    """Idempotent: the root logger gets one masked stream handler (unless it has handlers, which are masked
    instead), our loggers log INFO, and the server's own handlers are masked too."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(MaskingFormatter())
        root.addHandler(handler)
    for handler in root.handlers:
        _mask(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.getLogger("xiufu").setLevel(level)
    for name in SERVER_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            _mask(handler)
