"""``Registered``: mixed into every screen and dialog. A class that sets ``ACTIONS`` (a
``screens.actions.Registry``) gets its ``BINDINGS`` from it (plus ``EXTRA_BINDINGS``), and
each action that needs a permission is checked before its ``action_*`` method runs: a role
that may not do it gets the reason at once (``refuse_action``), before any dialog opens or
any field is filled in. The use case checks again; this is only the early, readable no."""

from __future__ import annotations

import functools

from corptui import permissions
from corptui.i18n import _
from screens.actions import APP, Action, Registry


def role_of(app) -> str | None:
    session = getattr(app, "session", None)
    return getattr(session, "role", None)


def action_of(node, binding) -> Action | None:
    """The registry entry behind an active binding (the node's registry, else the app's)."""
    registry = getattr(node, "ACTIONS", None)
    found = registry.find(binding.id) if isinstance(registry, Registry) else None
    return found or APP.find(binding.id)


def bound_keys(app, node) -> dict[str, list[str]]:
    """Binding id -> the keys ``node`` answers to now (the user keymap applied), as shown."""
    bindings = node._bindings.copy()
    if app._keymap:
        bindings.apply_keymap(app._keymap)
    out: dict[str, list[str]] = {}
    for key_bindings in bindings.key_to_bindings.values():
        for b in key_bindings:
            if b.id:
                out.setdefault(b.id, []).append(app.get_key_display(b))
    return out


def _guard(cls, action: Action) -> None:
    name = f"action_{action.method}"
    method = getattr(cls, name, None)
    if method is None or getattr(method, "_needs", None) == action.permission:
        return

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if action.denied(role_of(self.app)):
            self.refuse_action(permissions.denial(role_of(self.app), action.permission))
            return None
        return method(self, *args, **kwargs)

    guarded._needs = action.permission
    setattr(cls, name, guarded)


class Registered:
    ACTIONS: Registry | None = None
    EXTRA_BINDINGS: list = []

    def __init_subclass__(cls, **kwargs):
        registry = cls.__dict__.get("ACTIONS")
        if registry is not None:
            cls.BINDINGS = registry.bindings() + list(cls.__dict__.get("EXTRA_BINDINGS", []))
        registry = registry or getattr(cls, "ACTIONS", None)  # an override is guarded too
        for action in registry.actions if registry else ():
            if action.permission and not action.read_only:
                _guard(cls, action)
        super().__init_subclass__(**kwargs)

    def refuse_action(self, message: str) -> None:
        """Say why the action is not for this role (screens may also show it in place)."""
        self.app.notify(message, title=_("Not allowed"), severity="warning", markup=False)
