"""Who is acting: the logged-in user (TUI) or the operator at the shell (CLI)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Session:
    company_id: int
    role: str
    user_id: int | None = None
    actor: str = ""  # login phone, or "cli", "worker", "seed"
    source: str = ""  # screen name or CLI command, recorded in the audit log
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def system(cls, company_id: int, source: str, actor: str = "cli") -> Session:
        """The operator at the shell: full rights within one company."""
        return cls(company_id=company_id, role="owner", user_id=None, actor=actor, source=source)

    def with_source(self, source: str) -> Session:
        return Session(self.company_id, self.role, self.user_id, self.actor, source, self.extra)
