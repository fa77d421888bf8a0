"""The paged list of the money screens (payments, calls): rows read a page at a time by
offset as the table scrolls, the totals (and so the row count) computed in a worker."""

from __future__ import annotations

from textual import work

from corptui.errors import CorptuiError


class PagedQueryMixin:
    """Mixed into an AppScreen that has ``state``, ``flt``, ``table``, ``totals``,
    ``_update_filter_line``, ``_update_totals_line`` and ``_cursor_moved``. The use case
    module gives ``query(session, flt, offset=, limit=)`` and ``totals(session, flt)``."""

    KEEP_KEY = ""
    use_case = None

    def sort_key_of(self, flt) -> str:
        return flt.sort

    def _fetch(self, positions: list[int]) -> dict[int, dict]:
        if not positions:
            return {}
        first, last = min(positions), max(positions)
        try:
            rows = self.use_case.query(self.app.session, self.flt, offset=first,
                                       limit=last - first + 1)
        except CorptuiError as exc:
            self.app.show_error(exc)
            return {}
        return {first + i: row for i, row in enumerate(rows)}

    def reload(self) -> None:
        from screens.money_dialogs import keep

        keep(self.app, self.KEEP_KEY, dict(self.state))
        self._update_filter_line()
        self._run_totals(self.flt)

    @work(thread=True, exclusive=True, group="paged-totals")
    def _run_totals(self, flt) -> None:
        from corptui.database import close_thread_connection

        try:
            totals = self.use_case.totals(self.app.session, flt)
        except CorptuiError as exc:
            self.app.call_from_thread(self.app.show_error, exc)
            return
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._show, flt, totals)

    def _show(self, flt, totals: dict) -> None:
        if flt != self.flt:
            return  # superseded by a newer filter
        self.totals = totals
        table = self.table
        table.sort_key = self.sort_key_of(flt)
        table.sort_descending = flt.descending
        table.invalidate()
        table.set_ids(list(range(totals["count"])))
        self._update_totals_line()
        self._cursor_moved()
