"""WeChat messages → use cases and machine triggers → replies. No SQL here."""
from handlers.inbox import register

__all__ = ["register"]
