"""The action registries: one per screen, as light data (harlequin's actions.py).

Each entry (``Action``) says once what an action is: its id (the user keymap's binding id,
``"<screen>.<id>"``), its keys, its label (footer) and description (help, palette),
whether the footer shows it, and the permission it needs (``corptui.permissions``). From
that one entry come the screen's key bindings (``Registry.bindings()``), the footer (what
the role may not do is left out), the command palette and the help screen (F1) (marked
with who may do it), the refusal when its key is pressed anyway (before any form is
filled in), and the list of binding ids the keymap file is checked against.

The registry modules (``screens/actions/<feature>.py``) import nothing but this module and
``corptui.i18n``/``corptui.permissions``: ``all_registries()`` reads every one of them
without importing a screen module or Textual's widgets, so checking a keymap file costs
milliseconds at start-up (and nothing when there is no keymap file).

A screen uses its registry with ``ACTIONS = <registry>``: ``RegistryScreen`` (mixed into
every screen) turns it into ``BINDINGS`` and puts the role check in front of each gated
``action_*`` method."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field, replace

from corptui import permissions
from corptui.i18n import _

MODULES = ("app", "access", "numbers", "services", "money", "documents", "insights", "common")


@dataclass(frozen=True)
class Action:
    id: str  # within its registry; the binding id is "<registry>.<id>"
    keys: str  # Textual key names, comma-separated: "slash", "w,ctrl+f"
    label: str  # N_: the footer's word
    description: str = ""  # N_: what it does (help, palette); defaults to the label
    action: str = ""  # the Textual action; defaults to the id
    footer: bool = True  # shown in the footer (else only in help and palette)
    permission: str = ""  # corptui.permissions action needed; "" = every role
    read_only: bool = False  # without the permission it opens read-only (not refused)
    palette: bool = True  # listed in the command palette
    key_display: str = ""  # how help and footer show the key, when not Textual's default
    priority: bool = False
    section: str = ""  # app actions: the section this action opens
    bind: bool = True  # False: a key of a widget in the screen, listed in help only

    @property
    def method(self) -> str:
        """The action method's name without ``action_`` (``period('x')`` -> ``period``)."""
        return (self.action or self.id).split("(")[0].split(".")[-1]

    def text(self) -> str:
        return _(self.description or self.label)

    def denied(self, role: str | None) -> bool:
        """True when ``role`` may not do this at all (a read-only view is not denied)."""
        if not self.permission or self.read_only or role is None:
            return False
        return not permissions.allowed(role, self.permission)

    def limited(self, role: str | None) -> bool:
        """True when ``role`` only gets the read-only view of this action."""
        return bool(self.permission and self.read_only and role is not None
                    and not permissions.allowed(role, self.permission))

    def mark(self, role: str | None) -> str:
        """"" or why the role cannot (fully) do this, short: for help and the palette."""
        if self.denied(role):
            return permissions.roles_text(self.permission)
        if self.limited(role):
            return _("read only; changes: {roles}").format(
                roles=permissions.roles_list(self.permission))
        return ""


_BY_ID: dict[int, tuple] = {}  # id(registry) -> (registry, {binding id: action})


@dataclass(frozen=True)
class Registry:
    name: str  # "numbers": the binding ids' prefix
    title: str  # N_: the palette's prefix and the help heading ("Numbers: Search")
    actions: tuple[Action, ...] = field(default_factory=tuple)

    def binding_id(self, action: Action) -> str:
        return action.id if self.name == "app" else f"{self.name}.{action.id}"

    def bindings(self) -> list:
        """The Textual bindings of this registry (keys from the user keymap by id)."""
        from textual.binding import Binding

        return [Binding(a.keys, self.target(a), a.label, show=a.footer, id=self.binding_id(a),
                        key_display=a.key_display or None, priority=a.priority)
                for a in self.actions if a.keys and a.bind]

    def target(self, a: Action) -> str:
        if a.section:
            return f"app.open_section('{a.section}')"
        return a.action or a.id

    def by_binding_id(self) -> dict[str, Action]:
        found = _BY_ID.get(id(self))
        if found is None or found[0] is not self:
            found = _BY_ID[id(self)] = (self, {self.binding_id(a): a for a in self.actions})
        return found[1]

    def find(self, binding_id: str | None) -> Action | None:
        return self.by_binding_id().get(binding_id or "")

    def plus(self, *actions: Action, name: str | None = None, title: str | None = None,
             without: tuple[str, ...] = ()) -> Registry:
        """This registry with ``actions`` added (an id already there is replaced)."""
        ids = {a.id for a in actions} | set(without)
        kept = tuple(a for a in self.actions if a.id not in ids)
        return Registry(name or self.name, title or self.title, kept + tuple(actions))


def dialog(name: str, title: str, *actions: Action, cancel: str = "cancel",
           cancel_label: str = "", cancel_keys: str = "escape") -> Registry:
    """A dialog's registry: esc (its cancel/close action) and ``actions``."""
    from corptui.i18n import N_

    esc = Action("cancel", cancel_keys, cancel_label or N_("Cancel"),
                 action=cancel, palette=False)
    return Registry(name, title, (esc, *actions))


def also(action: Action, **changes) -> Action:
    """A copy of ``action`` with ``changes`` (one entry reused by sibling screens)."""
    return replace(action, **changes)


def all_registries() -> list[Registry]:
    """Every registry of the app, read from the registry modules only (no screen module)."""
    out = []
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        out += [v for v in vars(module).values() if isinstance(v, Registry)]
    return out


def binding_ids() -> set[str]:
    """Every binding id a keymap file may name."""
    return {rid for reg in all_registries() for rid in reg.by_binding_id()}


def _check_modules_listed() -> list[str]:
    """Registry modules on disk that MODULES does not list (a test keeps them equal)."""
    found = {m.name for m in pkgutil.iter_modules(__path__)}
    return sorted(found - set(MODULES) - {"keys"})


# -- what the app-wide part re-exports (sections and the F-keys) ----------------------
from screens.actions.app import (  # noqa: E402
    APP,
    APP_ACTIONS,
    SECTIONS,
    app_bindings,
    available_sections,
    help_rows,
)

__all__ = ["APP", "APP_ACTIONS", "SECTIONS", "Action", "Registry", "all_registries",
           "also", "app_bindings", "available_sections", "binding_ids", "dialog", "help_rows"]
