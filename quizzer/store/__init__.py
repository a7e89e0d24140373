"""The progress store: SQLAlchemy over SQLite (default) or PostgreSQL."""

from .records import NewResponse, ResponseRecord, ReviewCard, SessionInfo
from .store import Store

__all__ = ["Store", "SessionInfo", "NewResponse", "ResponseRecord", "ReviewCard"]
