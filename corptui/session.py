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
    def cli(cls, company_id: int, source: str) -> Session:
        """The operator at the shell, named in the audit log by the OS user
        ("cli:alice"), so that two admins sharing the CLI are told apart."""
        return cls.system(company_id, source, cli_actor())

    @classmethod
    def system(cls, company_id: int, source: str, actor: str = "cli") -> Session:
        """The operator at the shell: full rights within one company."""
        return cls(company_id=company_id, role="owner", user_id=None, actor=actor, source=source)

    def with_source(self, source: str) -> Session:
        return Session(self.company_id, self.role, self.user_id, self.actor, source, self.extra)


def cli_actor() -> str:
    """"cli:<the OS user>" ("cli" when the OS cannot say)."""
    import getpass

    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "cli"
    name = "".join(ch for ch in str(name) if ch.isprintable() and not ch.isspace())[:40]
    return f"cli:{name}" if name else "cli"
