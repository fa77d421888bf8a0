"""The numbers console's actions on numbers: tags, import, paste list, saved views, the
bulk dialogs of other issues (services, forwarding, limits, change requests), undo, the
card, and the command palette entries. A mixin of ``NumbersScreen``."""

from __future__ import annotations

from textual.widgets import Input

from corptui.errors import CorptuiError
from corptui.i18n import _
from screens.widgets.safe import safe_text


class NumbersActions:
    # -- actions on numbers -------------------------------------------------------------
    def selected_ids(self) -> set[int]:
        return set(self.table.selected)

    def action_assign_tags(self) -> None:
        from screens.number_dialogs import AssignTagsDialog

        ids = self.selected_ids()
        if not ids and self.table.cursor_id is not None:
            ids = {self.table.cursor_id}
        if not ids:
            self.app.notify(_("Select numbers first (space, a)."), severity="warning")
            return

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True)

        self.app.push_screen(AssignTagsDialog(ids), done)

    def action_manage_tags(self) -> None:
        from screens.tags import TagsScreen

        def done(_unused=None) -> None:
            self.table.invalidate()
            self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(TagsScreen(), done)

    def action_import_employees(self) -> None:
        from screens.import_employees import ImportScreen

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(ImportScreen(), done)

    def extra_palette_commands(self):
        """Each saved view, for the command palette (the actions come from the registry)."""
        from textual.app import SystemCommand

        from corptui.views import list_views

        try:
            views = list_views(self.app.session)
        except CorptuiError:
            views = []
        for view in views:
            yield SystemCommand(safe_text(_("View: {name}").format(name=view["name"])), _("apply the saved view"),
                                lambda v=view: self.apply_view(v))

    def action_select_by_list(self) -> None:
        from screens.list_dialogs import SelectByListDialog

        def done(result) -> None:
            if not result:
                return
            table = self.table
            if result["replace"]:
                table.selected = set(result["ids"])
            else:
                table.selected |= set(result["ids"])
            table.refresh()
            self.update_selection_line()
            self.app.notify(safe_text(_("Selected by list: {summary}").format(summary=result["summary"])), markup=False)

        self.app.push_screen(SelectByListDialog(), done)

    def action_save_view(self) -> None:
        from corptui.views import spec_of
        from screens.list_dialogs import SaveViewDialog

        def done(saved) -> None:
            if saved:
                self.app.notify(safe_text(_("View saved: {name}").format(name=saved["name"])), markup=False)

        self.app.push_screen(SaveViewDialog(spec_of(self.flt)), done)

    def action_open_views(self) -> None:
        from screens.list_dialogs import ViewsDialog

        def done(view) -> None:
            if view:
                self.apply_view(view)

        self.app.push_screen(ViewsDialog(), done)

    def apply_view(self, view: dict) -> None:
        from corptui.views import filter_of

        self.flt = filter_of(view["spec"])
        search = self.query_one("#search", Input)
        with search.prevent(Input.Changed):
            search.value = self.flt.search
        self.reload()
        self.app.notify(safe_text(_("View: {name}").format(name=view["name"])), markup=False)

    # -- bulk actions of other issues: services, forwarding, limits, change requests ----
    def _target_ids(self) -> set[int]:
        ids = self.selected_ids()
        if not ids and self.table.cursor_id is not None:
            ids = {self.table.cursor_id}
        if not ids:
            self.app.notify(_("Select numbers first (space, a)."), severity="warning")
        return ids

    def _open_for_selection(self, factory) -> None:
        ids = self._target_ids()
        if not ids:
            return

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(factory(ids), done)

    def action_services(self) -> None:
        from screens.services_wizard import ServicesWizard

        self._open_for_selection(ServicesWizard)

    def action_forwarding(self) -> None:
        from screens.forwarding import ForwardingDialog

        self._open_for_selection(ForwardingDialog)

    def action_limits(self) -> None:
        from screens.limits import LimitsDialog

        self._open_for_selection(LimitsDialog)

    def action_change_request(self) -> None:
        from screens.change_applications import ChangeApplicationDialog

        self._open_for_selection(ChangeApplicationDialog)

    def action_undo(self) -> None:
        from screens.undo import UndoDialog

        def done(changed) -> None:
            if changed:
                self.table.invalidate()
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(UndoDialog(), done)

    def on_virtual_table_opened(self, event) -> None:  # VirtualTable.Opened
        from screens.card import EmployeeCard

        def done(changed) -> None:
            if changed:
                self.table.invalidate([event.row_id])
                self.reload(keep_cursor=True, data_changed=True)

        self.app.push_screen(EmployeeCard(event.row_id), done)
