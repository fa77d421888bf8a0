"""What the money screens (accounts, payments, charges, calls) share: money and date
cells, the filters kept for the session, the filter dialog, the export dialog (format,
path, overwrite confirmation).

Dialogs validate through a callback given by the screen (which calls the use cases), so
a bad amount or date is shown under its field and the dialog stays open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import PurePath

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from corptui import i18n
from corptui import settings as settings_uc
from corptui.errors import Cancelled, Conflict, CorptuiError, ValidationError
from corptui.i18n import N_, _, ngettext, number
from corptui.periods import preset
from screens.actions.money import EXPORT_DIALOG, MONEY_FILTER, NUMBER_PICKER
from screens.widgets.dialogs import ConfirmDialog
from screens.widgets.form import Field, show_errors
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.work_progress import WorkProgress

EXPORT_FORMATS = ("csv", "xlsx", "pdf", "json")
# labels marked N_ here and translated where shown (the filter dialog, the cells)
PERIOD_CHOICES = [(N_("any dates"), ""), (N_("this month"), "this_month"),
                  (N_("last month"), "last_month"), (N_("quarter"), "quarter"),
                  (N_("year"), "year")]
PAYMENT_TYPE_LABELS = {"bank_transfer": N_("bank transfer"), "card": N_("card"),
                       "cash": N_("cash"), "promised": N_("promised payment"),
                       "adjustment": N_("adjustment")}
CHARGE_KIND_LABELS = {"subscription": N_("subscription fee"), "calls": N_("calls"),
                      "sms": N_("SMS"), "data": N_("mobile data"), "roaming": N_("roaming"),
                      "one_off": N_("one-off")}


# -- cells ----------------------------------------------------------------------------

def money_text(value) -> str:
    """1234.5 -> "1,234.50" (locale grouping, no symbol); negative keeps its minus."""
    if value is None or value == "":
        return ""
    return i18n.money(value, symbol=False)


def money_cell(value, width: int) -> str:
    """A right-aligned amount for a fixed-width column."""
    return money_text(value).rjust(width)


def date_cell(value, with_time: bool = False) -> str:
    return i18n.date_text(value, with_time=with_time) if value else ""


def month_text(value: dt.date) -> str:
    """2026-03 in both languages: the month filter fields read it back (YYYY-MM)."""
    return value.strftime("%Y-%m") if value else ""


def today_of(app) -> dt.date:
    """The day the presets count from: the app's ``today`` if set (tests), else today."""
    return getattr(app, "today", None) or dt.date.today()


def allowed(app, action: str) -> bool:
    from corptui.permissions import allowed as _allowed

    return _allowed(app.session.role, action)


# -- filters kept while the session lasts ---------------------------------------------

def kept(app, key: str, default=None):
    store = app.session.extra.setdefault("money_screens", {})
    return store.get(key, default)


def keep(app, key: str, value) -> None:
    app.session.extra.setdefault("money_screens", {})[key] = value


# -- dialogs --------------------------------------------------------------------------

COMPACT_CSS = """
    #dialog { width: 74; height: auto; max-height: 22; border: round $primary;
              background: $surface; padding: 0 1; }
    #dialog-title { text-style: bold; height: 1; }
    #dialog-body { height: auto; max-height: 16; }
    #dialog Field Label { width: 14; padding-top: 0; }
    #dialog Field Input { border: none; height: 1; padding: 0 1; }
    #dialog Field .field-error { padding-left: 14; }
    .choice-row { height: 1; }
    .choice-row Label { width: 14; }
    .choice-row Select { width: 1fr; }
    #buttons { height: 1; margin-top: 1; }
    #buttons Button { margin-right: 2; }
    #dialog-status { height: auto; color: $text-muted; }
    #choice-error { height: auto; color: $error; text-style: bold; }
"""


class FilterDialog(Registered, ModalScreen):
    """Filter fields for a money screen. ``fields`` lists the text fields (name, label,
    value, placeholder); ``choices`` the selects (name, label, options, value). The
    ``period`` select fills ``date_from``/``date_to`` from a preset. ``apply(values)``
    returns the new filter or raises ValidationError (shown under the fields)."""

    ACTIONS = MONEY_FILTER
    DEFAULT_CSS = COMPACT_CSS + "FilterDialog { align: center middle; }"

    def __init__(self, title: str, fields: list[tuple[str, str, str, str]],
                 choices: list[tuple[str, str, list[tuple[str, str]], str]],
                 apply: Callable[[dict], object], today: dt.date):
        super().__init__()
        self.dialog_title = title
        self.fields = fields
        self.choices = choices
        self.apply_cb = apply
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(plain(self.dialog_title), id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                for name, label, options, value in self.choices:
                    with Horizontal(classes="choice-row"):
                        yield Label(_(label))
                        values = [v for _unused, v in options]
                        yield Select([(Content(_(t)), v) for t, v in options],
                                     id=f"choice-{name}",
                                     value=value if value in values else options[0][1],
                                     allow_blank=False, compact=True)
                for name, label, value, placeholder in self.fields:
                    yield Field(_(label), name, value=value, placeholder=_(placeholder),
                                max_length=2000)
                # errors of choice fields (types, kinds, direction) have no Field
                yield Static("", id="choice-error")
            with Horizontal(id="buttons"):
                yield Button(_("Apply ^s"), id="apply", variant="primary", compact=True)
                yield Button(_("Clear ^r"), id="clear", compact=True)
                yield Button(_("Cancel esc"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#choice-error", Static).display = False
        if self.fields:
            self.query_one(f"#{self.fields[0][0]}", Input).focus()

    def values(self) -> dict:
        out = {name: self.query_one(f"#{name}", Input).value for name, *_ in self.fields}
        for name, *_unused in self.choices:
            value = self.query_one(f"#choice-{name}", Select).value
            out[name] = "" if value is Select.NULL else value
        return out

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        if event.select.id != "choice-period" or not event.value or event.value is Select.NULL:
            return
        first, last = preset(str(event.value), self.today)
        for name, day in (("date_from", first), ("date_to", last)):
            for widget in self.query(f"#{name}"):
                widget.value = day.isoformat()

    def action_apply(self) -> None:
        try:
            result = self.apply_cb(self.values())
        except ValidationError as exc:
            errors = {f: self._readable(f, m)
                      for f, m in (exc.errors or {exc.field or "choice": exc.message}).items()}
            names = {name for name, *_ in self.fields}
            other = [m for f, m in errors.items() if f not in names]
            show_errors(self, errors)
            choice_error = self.query_one("#choice-error", Static)
            choice_error.update(plain("x " + "; ".join(other)) if other else "")
            choice_error.display = bool(other)
            return
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.dismiss(result)

    def _readable(self, field: str, message: str) -> str:
        """A use case's message under its field: without the "field: " prefix and with
        the labels the user sees instead of the field names."""
        if message.startswith(f"{field}: "):
            message = message[len(field) + 2 :]
        for name, label, *_unused in self.fields:
            message = message.replace(name, label.lower())
        return message

    def action_clear(self) -> None:
        for name, *_unused in self.fields:
            self.query_one(f"#{name}", Input).value = ""
        for name, _label, options, _value in self.choices:
            self.query_one(f"#choice-{name}", Select).value = options[0][1]
        show_errors(self, {})
        self.query_one("#choice-error", Static).display = False

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        {"apply": self.action_apply, "clear": self.action_clear,
         "cancel": self.action_cancel}[event.button.id]()


class ExportDialog(Registered, ModalScreen):
    """Export what the screen shows: a format, a file path, for CSV the separator.
    ``run(fmt, path, force, sep, progress, cancelled)`` writes the file (a use case's
    export) and returns its ExportResult; it runs in a worker thread, reporting
    ``progress(rows written, total)`` to a WorkProgress whose Cancel (or esc) stops it
    (``cancelled()``: the use case raises Cancelled and leaves no file). An existing file
    asks before overwriting; a bad or unwritable path is shown under the path field.
    Dismisses with the result."""

    ACTIONS = EXPORT_DIALOG
    DEFAULT_CSS = COMPACT_CSS + """ExportDialog { align: center middle; }
    ExportDialog #export-progress { margin-top: 1; }"""

    def __init__(self, what: str, basename: str, rows_hint: str,
                 run: Callable[..., object]):
        super().__init__()
        self.what = what
        self.basename = basename
        self.rows_hint = rows_hint
        self.run_cb = run
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(plain(_("Export {what}").format(what=self.what)), id="dialog-title")
            yield Static(plain(self.rows_hint), id="rows-hint")
            with Horizontal(classes="choice-row"):
                yield Label(_("Format"))
                yield Select([(f.upper(), f) for f in EXPORT_FORMATS], value="csv",
                             allow_blank=False, compact=True, id="format")
            yield Field(_("Save to"), "output", value=f"{self.basename}.csv",
                        placeholder=_("file path"), max_length=4000)
            yield Static(plain(_("The format follows the file's extension; a name without "
                                 "a folder goes to {folder} (Settings changes it).").format(
                                     folder=settings_uc.shown_path(settings_uc.exports_dir()))),
                         id="output-hint")
            with Horizontal(classes="choice-row"):
                yield Label(_("CSV separator"))
                yield Select([(_("comma ,"), ","),
                              (_("semicolon ; with decimal commas (Excel, Russian)"), ";")],
                             value=",", allow_blank=False, compact=True, id="sep")
            yield Static("", id="dialog-status")
            yield WorkProgress(N_("Wrote {done} of {total} rows"), id="export-progress")
            with Horizontal(id="buttons"):
                yield Button(_("Export ^s"), id="export", variant="primary", compact=True)
                yield Button(_("Cancel esc"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#dialog-status", Static).display = False
        self.query_one(WorkProgress).finish()
        self.query_one("#output", Input).focus()

    @on(Select.Changed, "#format")
    def _format_changed(self, event: Select.Changed) -> None:
        fmt = str(event.value)
        path_input = self.query_one("#output", Input)
        path = path_input.value
        stem, dot, ext = path.rpartition(".")
        if dot and ext.lower() in EXPORT_FORMATS and "/" not in ext:
            path_input.value = f"{stem}.{fmt}"
        self.query_one("#sep", Select).disabled = fmt != "csv"

    def action_cancel(self) -> None:
        if self.busy:  # stop the export (its partial file is removed)
            self.query_one(WorkProgress).request_cancel()
        else:
            self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.action_export()
        else:
            self.action_cancel()

    def action_export(self, force: bool = False) -> None:
        if self.busy:
            return
        fmt = str(self.query_one("#format", Select).value)
        path = self.query_one("#output", Input).value.strip()
        if not path:
            show_errors(self, {"output": _("give a file name")})
            return
        # the format from the file name, as the CLI takes it; a name without an
        # extension gets the chosen format's
        ext = PurePath(path).suffix.lower().lstrip(".")
        if ext in EXPORT_FORMATS:
            if ext != fmt:
                fmt = ext
                self.query_one("#format", Select).value = ext
        elif not ext:
            path = f"{path}.{fmt}"
        sep = str(self.query_one("#sep", Select).value) if fmt == "csv" else ","
        try:
            path = str(settings_uc.export_target(path))
        except CorptuiError as exc:
            show_errors(self, {"output": exc.message})
            return
        show_errors(self, {})
        self.busy = True
        self._status(_("Writing {upper}…").format(upper=fmt.upper()))
        bar = self.query_one(WorkProgress)
        bar.start(0)
        self.query_one("#buttons").display = False
        self._export(fmt, path, force, sep, bar.cancelled)

    def _status(self, text: str) -> None:
        status = self.query_one("#dialog-status", Static)
        status.update(plain(text))
        status.display = bool(text)

    @work(thread=True, exclusive=True, group="money-export")
    def _export(self, fmt: str, path: str, force: bool, sep: str, cancelled) -> None:
        from corptui.database import close_thread_connection

        def progress(done: int, total: int | None) -> None:
            self.app.call_from_thread(self._progress, done, total)

        try:
            result = self.run_cb(fmt, path, force, sep, progress, cancelled)
        except Cancelled:
            self.app.call_from_thread(self._cancelled)
            return
        except Conflict as exc:
            self.app.call_from_thread(self._ask_overwrite, exc, fmt, path, sep)
            return
        except CorptuiError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        except OSError as exc:
            self.app.call_from_thread(self._failed, CorptuiError(
                _("cannot write {path}: {v3}").format(path=path, v3=exc.strerror or exc)))
            return
        finally:
            close_thread_connection()
        self.app.call_from_thread(self._done, result)

    def _progress(self, done: int, total: int | None) -> None:
        self.query_one(WorkProgress).update(done, total if total is not None else done)

    def _idle(self) -> None:
        self.busy = False
        self.query_one(WorkProgress).finish()
        self.query_one("#buttons").display = True

    def _cancelled(self) -> None:
        self._idle()
        self._status(_("Export cancelled: no file was written."))

    def _failed(self, exc: CorptuiError) -> None:
        self._idle()
        self._status("")
        field = getattr(exc, "field", "") or "output"
        if field not in ("output",):
            field = "output"
        show_errors(self, {field: exc.message})

    def _ask_overwrite(self, exc: Conflict, fmt: str, path: str, sep: str) -> None:
        self._idle()
        self._status("")

        def answer(yes: bool | None) -> None:
            if yes:
                self.action_export(force=True)
            else:
                show_errors(self, {"output": _("the file exists: choose another name")})

        self.app.push_screen(ConfirmDialog(_("{safe_text} already exists.\nOverwrite it?").format(safe_text=safe_text(settings_uc.shown_path(path))),
                                           yes=_("Overwrite"), danger=True), answer)

    def _done(self, result) -> None:
        self._idle()
        self.dismiss(result)


def export_done(app, result) -> None:
    """The message after an export dialog closed (nothing if it was cancelled)."""
    if result is None:
        return
    app.notify(ngettext("Exported {rows} row to {safe_text}", "Exported {rows} rows to {safe_text}",
                        result.rows).format(rows=number(result.rows),
                                            safe_text=safe_text(settings_uc.shown_path(result.path))),
               title=_("Export"), markup=False)


# -- scope: numbers and accounts typed by the user --------------------------------------

def scope_ids(session, numbers_text: str, accounts_text: str, errors: dict[str, str],
              picked=()) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(subscriber ids, account ids) of the typed numbers and account numbers (read by
    corptui.scope); a bad or unknown entry goes into ``errors`` under "numbers" or
    "account"."""
    from corptui import scope

    subs, accs = scope.numbers_and_accounts(session, numbers_text, accounts_text,
                                            numbers_field="numbers", accounts_field="account",
                                            errors=errors)
    if picked:
        subs = tuple(dict.fromkeys((*picked, *subs)))
    return subs, accs


def scope_summary(numbers_text: str, accounts_text: str, picked=()) -> str:
    from corptui import scope

    parts = []
    if picked:
        parts.append(ngettext("{n} chosen number", "{n} chosen numbers", len(picked)).format(
            n=len(picked)))
    nums = [e.text for e in scope.entries(numbers_text)]
    accs = scope.account_entries(accounts_text)
    if nums:
        parts.append(nums[0] if len(nums) == 1 else ngettext(
            "{n} number", "{n} numbers", len(nums)).format(n=len(nums)))
    if accs:
        parts.append(_("account {account}").format(account=accs[0]) if len(accs) == 1 else
                     ngettext("{n} account", "{n} accounts", len(accs)).format(n=len(accs)))
    return " + ".join(parts) if parts else _("all numbers")


def number_scope(session, numbers_text: str, accounts_text: str,
                 errors: dict[str, str], picked=()) -> tuple[int, ...] | None:
    """Subscriber ids of the typed numbers plus every number of the typed accounts;
    None when neither is given (the whole company)."""
    from corptui import numbers as numbers_uc
    from corptui import scope
    from corptui.numbers import NumberFilter

    if not scope.count(numbers_text) and not scope.account_entries(accounts_text) and not picked:
        return None
    subs, _accs = scope_ids(session, numbers_text, accounts_text, errors, picked)
    ids = dict.fromkeys(subs)
    if "account" not in errors:
        for account in scope.account_entries(accounts_text):
            ids.update(dict.fromkeys(
                numbers_uc.matching_ids(session, NumberFilter(account=account))))
    return tuple(ids)


def month_value(text: str) -> str:
    """"2026-08" or "08.2026" (a month) -> a first-day date text; other text unchanged."""
    import re

    raw = (text or "").strip()
    if re.fullmatch(r"\d{4}-\d{1,2}", raw):
        return f"{raw}-01"
    if re.fullmatch(r"\d{1,2}\.\d{4}", raw):
        return f"01.{raw}"
    return raw


# -- choosing numbers with checkboxes ---------------------------------------------------

class NumberPicker(Registered, ModalScreen):
    """The company's numbers with checkboxes and search: the chosen ids (a tuple) are
    what the money screens then show. space toggles, a all shown, A none, ctrl+s / Enter
    done, escape cancel. The selected count is at the bottom."""

    ACTIONS = NUMBER_PICKER
    DEFAULT_CSS = """
    NumberPicker { align: center middle; }
    NumberPicker #picker { width: 78; height: 22; border: round $primary; background: $surface; }
    NumberPicker #picker-title { height: 1; text-style: bold; padding: 0 1; }
    NumberPicker #picker-search { border: none; height: 1; padding: 0 1; }
    NumberPicker #picker-line { height: 1; background: $boost; padding: 0 1; text-style: bold; }
    """

    def __init__(self, selected=()):
        super().__init__()
        self.initial = set(selected or ())

    def compose(self) -> ComposeResult:
        from screens.widgets.virtual_table import Column, VirtualTable

        columns = [Column("msisdn", N_("Number"), 16), Column("full_name", N_("Employee"), 12, flex=1),
                   Column("account", N_("Account"), 12)]
        with Vertical(id="picker"):
            yield Static(_("Choose numbers (space, a all, A none; Enter done)"), id="picker-title")
            yield Input(placeholder=_("search: phone or name (/)"), id="picker-search",
                        max_length=100)
            yield VirtualTable(columns, self._fetch, self._render_number, checkboxes=True,
                               id="picker-table", empty_text=_("No numbers match the search."))
            yield Static("", id="picker-line")

    @property
    def table(self):
        from screens.widgets.virtual_table import VirtualTable

        return self.query_one(VirtualTable)

    def _fetch(self, ids):
        from corptui import numbers as numbers_uc

        return numbers_uc.rows_by_ids(self.app.session, ids)

    @staticmethod
    def _render_number(row: dict, key: str) -> str:
        from corptui.phones import format_msisdn

        if key == "msisdn":
            return format_msisdn(row["msisdn"])
        return row.get(key) or (_("(no name)") if key == "full_name" else "")

    def on_mount(self) -> None:
        self.table.selected = set(self.initial)
        self._search("")
        self.table.focus()

    def _search(self, text: str) -> None:
        from corptui import numbers as numbers_uc
        from corptui.numbers import NumberFilter

        try:
            ids = numbers_uc.matching_ids(self.app.session, NumberFilter(search=text))
        except CorptuiError as exc:
            self.app.show_error(exc)
            return
        self.table.set_ids(ids)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def on_virtual_table_selection_changed(self, event) -> None:
        t = self.table
        self.query_one("#picker-line", Static).update(plain(
            _("Selected {n_selected} · shown {n_ids} · ctrl+s done · esc cancel").format(n_selected=number(len(t.selected)), n_ids=number(len(t.ids)))))

    def on_virtual_table_opened(self, event) -> None:
        self.action_done()

    def action_search(self) -> None:
        self.query_one("#picker-search", Input).focus()

    def action_all(self) -> None:
        self.table.select_all_shown()

    def action_none(self) -> None:
        self.table.clear_selection()

    def action_done(self) -> None:
        self.dismiss(tuple(sorted(self.table.selected)))

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_for_numbers(app, section: str, subscriber_ids) -> None:
    """Open the payments, charges or calls section for these numbers (e.g. from the
    employee card or the numbers console's selection): the chosen ids replace the
    section's number scope; its other filters are kept."""
    import importlib

    module = importlib.import_module(f"screens.{section}")
    state = dict(kept(app, section, module.EMPTY_STATE))
    state.update(numbers="", account="", picked=tuple(subscriber_ids))
    keep(app, section, state)
    app.open_section(section)
