"""Services: the services wizard, forwarding, limits, SIM cards, change requests."""

from __future__ import annotations

from corptui.i18n import N_
from screens.actions import Action, Registry, dialog

SERVICES_WIZARD = Registry("services_wizard", N_("Services"), (
    Action("back", "escape", N_("Back/cancel"), N_("the previous step, or cancel"),
           palette=False),
    Action("next", "ctrl+s", N_("Next"), N_("the next step")),
))

# the bulk dialogs over the numbers (forwarding, limits): esc closes, ctrl+s saves
NUMBERS_DIALOG = dialog("numbers_dialog", N_("Numbers"), Action("save", "ctrl+s", N_("Save")),
                        cancel="close", cancel_label=N_("Close"))
FORWARDING = NUMBERS_DIALOG.plus(
    Action("save", "ctrl+s", N_("Save"), N_("save the forwarding rule"),
           permission="forwarding.change"),
    Action("delete", "delete", N_("Delete rule"), N_("delete the forwarding rule under the cursor"),
           permission="forwarding.change"),
    name="forwarding", title=N_("Forwarding"))
LIMITS = NUMBERS_DIALOG.plus(
    Action("save", "ctrl+s", N_("Save"), N_("save the limits"), permission="limits.change"),
    name="limits", title=N_("Limits"))

REPLACE_SIM = dialog("replace_sim", N_("Replace SIM"),
                     Action("replace", "ctrl+s", N_("Replace"), N_("replace the SIM card"),
                            permission="sim.replace"),
                     cancel="close", cancel_label=N_("Close"))
SIM_STOCK = dialog("sim_stock", N_("SIM stock"),
                   Action("import", "i", N_("Import stock"), N_("import SIM cards into the stock"),
                          permission="sim.replace"),
                   cancel="close", cancel_label=N_("Close"))
IMPORT_STOCK = dialog("import_stock", N_("Import SIM stock"),
                      Action("import", "ctrl+s", N_("Import"), N_("import the SIM cards"),
                             permission="sim.replace"),
                      cancel="close", cancel_label=N_("Close"))

CHANGE_REQUEST = dialog("change_request", N_("Change request"),
                        Action("send", "ctrl+s", N_("Send"), N_("send the change request"),
                               permission="services.change"),
                        cancel="close", cancel_label=N_("Close"))
CHANGE_REQUESTS = dialog("change_requests", N_("Change requests"), cancel="close",
                         cancel_label=N_("Close"))
