"""The one way a use case says no (拒绝): a `Refusal` with a code and the details its sentence needs.

Services never word a refusal: the edge (a chat handler or a web view) picks the Chinese sentence for the code
from the one catalogue, services/texts/refusals.py. Subclasses only name the domain, so a caller can catch the
refusals of the use case it called and let others through.
"""
from __future__ import annotations


class Refusal(Exception):
    """A use case refused: `code` says why, `details` fill the sentence the edge shows for it; `domain` names
    the catalogue's section its codes belong to."""

    domain = ""

    def __init__(self, code: str, /, **details):  # a detail may itself be called "code" (a contract's)
        super().__init__(code)
        self.code = code
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.details!r})"


class TripProblem(Refusal):
    """A use case of a sampling trip (采样行程) refused."""

    domain = "trip"


class OmProblem(Refusal):
    """A use case of an O&M visit (现场运维) refused."""

    domain = "om_visit"


class PresenceProblem(Refusal):
    """A crew member's presence check-in (到场确认) refused."""

    domain = "presence"
