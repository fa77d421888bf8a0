"""Numbers: the numbers console, the employee card, tags, import, views and lists."""

from __future__ import annotations

from corptui.i18n import N_
from screens.actions import Action, Registry, dialog

NUMBERS = Registry("numbers", N_("Numbers"), (
    Action("search", "slash", N_("Search"), N_("search by phone (any part, any format) or name")),
    Action("toggle", "space", N_("Toggle"), N_("toggle the checkbox of the row"), bind=False,
           palette=False),
    Action("open", "enter", N_("Open"), N_("open the employee card"), bind=False,
           palette=False),
    Action("select_all", "a", N_("All"), N_("select all shown"), footer=False),
    Action("select_none", "A", N_("None"), N_("clear the selection"), footer=False),
    Action("invert", "i", N_("Invert"), N_("invert the selection of the shown"), footer=False),
    Action("filter", "f", N_("Filter"), N_("filter by tag, tariff, status, account")),
    Action("sort_next", "o", N_("Sort"), N_("sort by the next column")),
    Action("sort_reverse", "O", N_("Reverse"), N_("reverse the order"), footer=False),
    Action("assign_tags", "t", N_("Tags"), N_("assign tags to the selected numbers"),
           permission="tags.assign"),
    Action("manage_tags", "g", N_("Tag list"), N_("manage tags"), footer=False,
           permission="tags.manage", read_only=True),
    Action("import_employees", "ctrl+o", N_("Import"), N_("import employees from a file"),
           permission="import.employees"),
    Action("clear_filter", "x", N_("Clear filter"), N_("clear the filter"), footer=False),
    Action("select_by_list", "p", N_("Paste list"),
           N_("select numbers by a pasted list or a file"), footer=False),
    Action("save_view", "v", N_("Save view"), N_("save the current view"), footer=False),
    Action("open_views", "V", N_("Views"), N_("open a saved view"), footer=False),
    Action("services", "s", N_("Services"),
           N_("tariffs and options for the selection (check, then apply)"),
           permission="services.change", read_only=True),
    Action("forwarding", "w", N_("Forwarding"), N_("call forwarding for the selection"),
           footer=False, permission="forwarding.change"),
    Action("limits", "l", N_("Limits"), N_("spending limits for the selection"), footer=False,
           permission="limits.change"),
    Action("change_request", "c", N_("Change request"),
           N_("a change request to the operator for the selection"), footer=False,
           permission="services.change", read_only=True),
    Action("undo", "u", N_("Undo"), N_("undo the last bulk change"), footer=False),
))

_CARD = (
    Action("close", "escape", N_("Close"), palette=False),
    Action("save", "ctrl+s", N_("Save"), N_("save the name and position"),
           permission="numbers.edit"),
    # the ctrl+ keys also work in a text field
    Action("forwarding", "w,ctrl+f", N_("Forwarding"), N_("call forwarding of this number"),
           permission="forwarding.change", read_only=True),
    Action("replace_sim", "r,ctrl+r", N_("Replace SIM"), N_("replace the SIM card"),
           permission="sim.replace", read_only=True),
    Action("limits", "l,ctrl+l", N_("Limits"), N_("spending limit and other limits"),
           permission="limits.change", read_only=True),
)
CARD = Registry("card", N_("Employee card"), (
    Action("help", "f1", N_("Help"), N_("Keys, hotline numbers and what each screen does"),
           action="app.help"),
    *_CARD,
    Action("options", "o,ctrl+o", N_("Options"), N_("the options of this number"),
           permission="services.change", read_only=True),
    Action("blame", "b,ctrl+b", N_("Who changed"),
           N_("who changed this number's options, tariff, limits and tags")),
    Action("tariff_card", "y,ctrl+y", N_("Tariff"),
           N_("the tariff's card: fee, bundles and prices")),
))
TARIFF_CARD = Registry("tariff_card", N_("Tariff"), (
    Action("close", "escape", N_("Close"), palette=False),
))
CARD_OPTIONS = Registry("card_options", N_("Options"), (
    Action("close", "escape", N_("Close"), palette=False),
    Action("focus_add", "a", N_("Add option"), N_("connect another option"),
           permission="services.change"),
    Action("remove", "x,delete", N_("Disconnect"),
           N_("disconnect the option under the cursor (in the connected list)"),
           permission="services.change", bind=False, palette=False),
))

TAGS = Registry("tags", N_("Tags"), (
    Action("close", "escape", N_("Close"), palette=False),
    Action("new", "n", N_("New"), N_("create a tag"), permission="tags.manage"),
    Action("rename", "r", N_("Rename"), N_("rename the tag"), permission="tags.manage"),
    Action("recolor", "c", N_("Recolor"), N_("change the tag's colour"),
           permission="tags.manage"),
    Action("delete", "d", N_("Delete"), N_("delete the tag"), permission="tags.manage"),
))
TAG_COLOR = dialog("tag_color", N_("Tag colour"))

IMPORT = Registry("import", N_("Import employees"), (
    Action("back", "escape", N_("Back"), palette=False),
    Action("toggle_errors", "e", N_("Errors only"), N_("show only the lines with errors"),
           footer=False),
    Action("toggle_skip", "s", N_("Skip errors"), N_("apply the good lines, skip the others"),
           footer=False),
))

SELECT_BY_LIST = dialog("paste_list", N_("Paste list"),
                        Action("select", "ctrl+s", N_("Select"), N_("select the found numbers")))
SAVE_VIEW = dialog("save_view", N_("Save view"))
VIEWS = dialog("views", N_("Views"), Action("delete", "d", N_("Delete"),
                                            N_("delete the saved view")))

NUMBERS_FILTER = dialog("numbers_filter", N_("Filter"),
                        Action("apply", "ctrl+s", N_("Apply"), N_("apply the filter")))
ASSIGN_TAGS = dialog("assign_tags", N_("Tags"),
                     Action("apply", "ctrl+s", N_("Apply"), N_("assign the tags"),
                            permission="tags.assign"))
