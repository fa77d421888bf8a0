"""What every part shares: confirmation and message dialogs, the help screen, go to,
settings, saving to a file, the undo dialog."""

from __future__ import annotations

from corptui.i18n import N_
from screens.actions import Action, Registry, dialog

CONFIRM = Registry("confirm", N_("Confirm"), (
    Action("no", "escape,n", N_("No"), palette=False),
    Action("yes", "y", N_("Yes"), palette=False),
))
MESSAGE = dialog("message", N_("Message"), cancel="close", cancel_label=N_("Close"),
                 cancel_keys="escape,enter")
FORM = dialog("form", N_("Form"))  # a form with its buttons: esc cancels
HELP = dialog("help", N_("Help"), cancel="close", cancel_label=N_("Close"),
              cancel_keys="escape,f1,q,question_mark")
GOTO = dialog("goto", N_("Go to"), cancel_label=N_("Close"))
UNDO = Registry("undo", N_("Undo"), (
    Action("cancel", "escape,n", N_("Cancel"), palette=False),
    Action("undo", "u,y", N_("Undo"), N_("undo the last bulk change")),
))
