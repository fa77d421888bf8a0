"""The bulk "Tariffs and options" wizard for the selected numbers.

Step 1: a tariff and/or options to connect or disconnect, and the period (from now or a
date, optionally until a date). Step 2: the check of every number, in a thread worker
with a progress bar; a number that cannot get the change is marked with a yellow ``!``
(the character itself reads without colour) and its reasons show in the line under the
table for the row under the keyboard cursor or the mouse (also as a tooltip). Step 3:
apply to the numbers that pass (re-checked in one transaction, in a thread worker with
the same progress bar: counts, Cancel, esc; a cancel rolls it all back), and a summary.

Open it with ``ServicesWizard(ids)``; it dismisses with True when something was applied."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import Button, Label, Select, Static

from corptui import numbers as numbers_uc
from corptui import options as options_uc
from corptui import permissions
from corptui.errors import CorptuiError, ValidationError
from corptui.i18n import N_, _, money, number
from corptui.phones import format_msisdn
from screens.actions.services import SERVICES_WIZARD
from screens.widgets.background import run_in_worker
from screens.widgets.check_list import CheckList
from screens.widgets.form import Field, show_errors
from screens.widgets.registered import Registered
from screens.widgets.safe import plain, safe_text
from screens.widgets.virtual_table import Column, VirtualTable
from screens.widgets.work_progress import WorkProgress

MARK_STYLE = Style(color="yellow", bold=True)


def _price(value) -> str:
    """A price with its symbol, the one formatter: "1,234.50 ₽" / "1 234,50 ₽"."""
    return money(value)


class CheckTable(VirtualTable):
    """The check results: a ``!`` in yellow on failing rows; tells the screen which row
    the cursor or the mouse points at (``Pointed``)."""

    class Pointed(Message):
        def __init__(self, table: CheckTable, row_id: int | None, source: str) -> None:
            super().__init__()
            self.table = table
            self.row_id = row_id
            self.source = source  # "cursor" | "hover" | "leave"

    def __init__(self, *args, reason_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason_of = reason_of or (lambda row_id: "")
        self.hover_id: int | None = None

    def watch_cursor(self, value: int) -> None:
        self.post_message(self.Pointed(self, self.cursor_id, "cursor"))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = int(self.scroll_offset.y) + event.y - 1
        row_id = self.ids[index] if event.y > 0 and 0 <= index < len(self.ids) else None
        if row_id == self.hover_id:
            return
        self.hover_id = row_id
        reason = self.reason_of(row_id) if row_id is not None else ""
        self.tooltip = Text(reason) if reason else None
        self.post_message(self.Pointed(self, row_id, "hover" if row_id is not None
                                       else "leave"))

    def on_leave(self, event: events.Leave) -> None:
        self.hover_id = None
        self.tooltip = None
        self.post_message(self.Pointed(self, None, "leave"))

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if y == 0:
            return strip
        index = int(self.scroll_offset.y) + y - 1
        if not (0 <= index < len(self.ids)):
            return strip
        row = self._cache.get(self.ids[index])
        if not row or not row.get("failed"):
            return strip
        segments = list(strip)
        text = "".join(s.text for s in segments)
        if len(text) < 2 or text[1] != "!":
            return strip
        style = segments[0].style or Style()
        return Strip([Segment(text[:1], style), Segment("!", style + MARK_STYLE),
                      Segment(text[2:], style)], strip.cell_length)


class ServicesWizard(Registered, ModalScreen):
    """Tariffs and options for a set of numbers, in three steps."""

    ACTIONS = SERVICES_WIZARD
    DEFAULT_CSS = """
    ServicesWizard { align: center middle; }
    #wizard { width: 100%; height: 100%; border: round $primary; background: $surface; padding: 0 1; }
    .wizard-title { height: 1; text-style: bold; }
    .wizard-step { height: 1fr; }
    #tariff-row { height: 3; }
    #tariff-row Label { width: 12; padding-top: 1; }
    #tariff-row Select { width: 1fr; }
    #option-lists { height: 1fr; }
    #option-lists CheckList { width: 1fr; height: 1fr; }
    .wizard-error { height: auto; color: $error; text-style: bold; }
    #period { height: auto; }
    #period Field { width: 1fr; }
    ServicesWizard Field Label { width: 12; }
    ServicesWizard Field .field-error { padding-left: 12; }
    ServicesWizard Field Input { border: tall $border-blurred; }
    #check-progress { height: 2; }
    #check-table { height: 1fr; }
    #reason { height: 2; }
    #count { height: auto; max-height: 5; text-style: bold; }
    #summary { height: 1fr; }
    .wizard-buttons { height: 3; align: center middle; }
    .wizard-buttons Button { margin: 0 1; }
    """

    def __init__(self, ids: set[int]):
        super().__init__()
        self.ids = set(ids)
        self.step = 1
        self.plan: options_uc.Plan | None = None
        self.results: dict[int, dict] = {}
        self.names: dict[int, str] = {}
        self.checking = False
        self.applied = False

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        session = self.app.session
        self.can_change = permissions.allowed(session.role, "services.change")
        tariffs = options_uc.list_tariffs(session)
        catalogue = options_uc.list_options(session)
        n = len(self.ids)
        with Vertical(id="wizard"):
            with Vertical(id="step1", classes="wizard-step"):
                yield Static(Content(_("Tariffs and options · {n} number(s) · step 1 of 3: choose").format(n=number(n))), classes="wizard-title")
                with Horizontal(id="tariff-row"):
                    yield Label(_("Tariff"))
                    yield Select(
                        [(Text(_("{name} · {price} a month").format(
                                   name=t["name"], price=_price(t["price"]))
                               + (" · " + _("by application") if t["by_application"] else "")),
                          t["code"]) for t in tariffs],
                        prompt=_("(keep the tariff)"), id="tariff")
                yield Static("", id="error-tariff", classes="wizard-error")
                with Horizontal(id="option-lists"):
                    items = [(o["code"], f"{o['name']} · {_price(o['price'])}")
                             for o in catalogue]
                    yield CheckList(items, (), _("Connect (space marks)"), id="connect")
                    yield CheckList(items, (), _("Disconnect"), id="disconnect")
                yield Static("", id="error-changes", classes="wizard-error")
                with Horizontal(id="period"):
                    yield Field(_("From"), "date_from", placeholder=_("now, or DD.MM.YYYY"),
                                max_length=20)
                    yield Field(_("Until"), "date_until", placeholder=_("optional"), max_length=20)
                yield Static(Content("" if self.can_change else
                                     _("Read only: the {role} role can check but not "
                                       "apply.").format(
                                         role=permissions.role_label(session.role))), classes="wizard-error", id="readonly")
                with Horizontal(classes="wizard-buttons"):
                    yield Button(_("Check"), variant="primary", id="check")
                    yield Button(_("Cancel"), id="cancel")
            with Vertical(id="step2", classes="wizard-step"):
                yield Static("", id="step2-title", classes="wizard-title")
                yield WorkProgress(N_("Checked {done} of {total} numbers"), id="check-progress")
                yield CheckTable(
                    [Column("mark", "", 1), Column("msisdn", N_("Number"), 16),
                     Column("name", N_("Employee"), 12, flex=1, min_table_width=70),
                     Column("result", N_("Check result"), 20, flex=2)],
                    self._table_rows, self._table_cell, checkboxes=False, id="check-table",
                    empty_text=_("Checking..."), reason_of=self.reason_text)
                yield Static("", id="reason")
                yield Static("", id="count")
                with Horizontal(classes="wizard-buttons"):
                    yield Button(_("Apply"), variant="primary", id="apply", disabled=True)
                    yield Button(_("Back"), id="back")
                    yield Button(_("Cancel"), id="cancel2")
            with Vertical(id="step3", classes="wizard-step"):
                yield Static(Content(_("Tariffs and options · step 3 of 3: done")),
                             classes="wizard-title")
                yield Static("", id="summary")
                with Horizontal(classes="wizard-buttons"):
                    yield Button(_("Close"), variant="primary", id="close")

    def on_mount(self) -> None:
        self._show_step(1)

    def _show_step(self, step: int) -> None:
        self.step = step
        for i in (1, 2, 3):
            self.query_one(f"#step{i}").display = i == step
        if step == 1:
            self.query_one("#tariff", Select).focus()
        elif step == 2:
            self.query_one("#check-table", CheckTable).focus()
        else:
            self.query_one("#close", Button).focus()

    # -- step 1 -------------------------------------------------------------------------
    def _read_plan(self) -> options_uc.Plan:
        tariff = self.query_one("#tariff", Select).value
        values = {f.field_name: f.value.strip() for f in self.query(Field)}
        return options_uc.Plan(
            tariff=tariff if isinstance(tariff, str) else None,
            connect=tuple(self.query_one("#connect", CheckList).values),
            disconnect=tuple(self.query_one("#disconnect", CheckList).values),
            date_from=values["date_from"] or None,
            date_until=values["date_until"] or None,
        )

    def _set_errors(self, errors: dict[str, str]) -> None:
        show_errors(self, {k: v for k, v in errors.items() if k in ("date_from", "date_until")})
        for key in ("tariff", "changes"):
            text = errors.get(key, "")
            self.query_one(f"#error-{key}", Static).update(
                plain(("x " + text[:1].upper() + text[1:]) if text else ""))

    def action_check(self) -> None:
        if self.checking:
            return
        try:
            plan = options_uc.validate_plan(self.app.session, self._read_plan())
        except ValidationError as exc:
            self._set_errors(exc.errors or {"changes": exc.message})
            return
        except CorptuiError as exc:
            self._set_errors({"changes": exc.message})
            return
        self._set_errors({})
        self.plan = plan
        self.results = {}
        table = self.query_one("#check-table", CheckTable)
        table.set_ids([])
        table.invalidate()
        self.query_one("#step2-title", Static).update(plain(
            _("Step 2 of 3: check of {n_ids} number(s) · {plan_words}").format(n_ids=number(len(self.ids)), plan_words=self._plan_words(plan))))
        self.query_one("#reason", Static).update("")
        self.query_one("#count", Static).update(Content(_("Checking...")))
        self.query_one("#apply", Button).disabled = True
        bar = self.query_one("#check-progress", WorkProgress)
        bar.start(len(self.ids), N_("Checked {done} of {total} numbers"))
        self._show_step(2)
        self.checking = True
        self._check_worker(plan, sorted(self.ids), bar.cancelled)

    def _plan_words(self, plan: options_uc.Plan) -> str:
        names = {o["code"]: o["name"] for o in options_uc.list_options(self.app.session)}
        tariffs = {t["code"]: t["name"] for t in options_uc.list_tariffs(self.app.session)}
        parts = []
        if plan.tariff:
            parts.append(_("tariff {tariff}").format(tariff=tariffs.get(plan.tariff,
                                                                        plan.tariff)))
        parts += ([f"+ {names.get(c, c)}" for c in plan.connect]
                  + [f"- {names.get(c, c)}" for c in plan.disconnect])
        when = (_("from {date}").format(date=plan.date_from)
                if options_uc.start_of(plan.date_from) is not None
                else _("from now"))
        if plan.date_until:
            when += " " + _("until {date}").format(date=plan.date_until)
        return ", ".join(parts) + " · " + when

    # -- step 2 -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="services-check")
    def _check_worker(self, plan: options_uc.Plan, ids: list[int], cancelled) -> None:
        steps = max(1, len(plan.connect) + len(plan.disconnect) + (1 if plan.tariff else 0))

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done // steps, total // steps)

        def check():
            results = options_uc.check_plan(self.app.session, plan, ids, progress=progress,
                                            cancelled=cancelled)
            names = {}
            if len(ids) <= 20_000:
                names = {i: r["full_name"] for i, r in
                         numbers_uc.rows_by_ids(self.app.session, ids).items()}
            return results, names

        run_in_worker(self.app, check, lambda out: self._show_results(*out), self._check_failed,
                      on_cancel=self._check_cancelled)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#check-progress", WorkProgress).update(done, total)

    def _check_cancelled(self) -> None:
        """The check stopped at the user's request: back to step 1, nothing changed."""
        self.checking = False
        self.results = {}
        self.query_one("#check-progress", WorkProgress).finish()
        self.query_one("#check-table", CheckTable).set_ids([])
        self._show_step(1)
        self.app.notify(_("The check was cancelled: nothing was changed."),
                        title=_("Cancelled"))

    def _check_failed(self, message: str) -> None:
        self.checking = False
        self.query_one("#check-progress", WorkProgress).finish()
        self.query_one("#count", Static).update(plain(_("x The check failed: {message}").format(message=message)))

    def _show_results(self, results: dict[int, dict], names: dict[int, str]) -> None:
        self.checking = False
        self.results = results
        self.names = names
        self.query_one("#check-progress", WorkProgress).finish()
        order = sorted(results, key=lambda i: (not results[i]["failed"],
                                               results[i]["msisdn"] or ""))
        table = self.query_one("#check-table", CheckTable)
        table.invalidate()
        table.set_ids(order)
        passing = sum(1 for r in results.values() if r["ok"])
        total = len(results)
        failing = sum(1 for r in results.values() if r["failed"])
        per_change = options_uc.plan_summary(results)
        line = (_("{passing} of {total} can get it") if len(per_change) < 2 else
                _("{passing} of {total} can get one or more of the changes")).format(
                    passing=number(passing), total=number(total))
        if failing:
            line += " · " + _("{n} marked ! (the reason shows below)").format(
                n=number(failing))
        lines = [line]
        for label, counts in per_change:
            words = [_("{n} can get it").format(n=number(counts["ok"]))]
            if counts["already"]:
                words.append(_("{n} already as asked").format(n=number(counts["already"])))
            if counts["fail"]:
                words.append(_("! {n} cannot").format(n=number(counts["fail"])))
            if len(per_change) > 1 or counts["already"]:
                lines.append(f"{label}: " + " · ".join(words))
        self.query_one("#count", Static).update(plain("\n".join(lines), multiline=True))
        apply = self.query_one("#apply", Button)
        apply.label = _("Apply to {n}").format(n=number(passing))
        apply.disabled = not (passing and self.can_change)
        self._point(table.cursor_id)

    def _table_rows(self, ids: list[int]) -> dict[int, dict]:
        out = {}
        for i in ids:
            r = self.results.get(i)
            if r is None:
                continue
            out[i] = {"id": i, "ok": r["ok"], "reasons": r["reasons"], "failed": r["failed"],
                      "notes": r["notes"], "msisdn": r["msisdn"],
                      "name": self.names.get(i, "")}
        return out

    @staticmethod
    def _table_cell(row: dict, key: str) -> str:
        if key == "mark":
            return "!" if row["failed"] else " "
        if key == "msisdn":
            return format_msisdn(row["msisdn"]) if row["msisdn"] else _("(gone)")
        if key == "name":
            return row["name"]
        if not row["failed"]:
            if not row["ok"]:
                return _("already as asked")
            return (_("ok") if not row["notes"] else
                    _("ok · {n} already as asked").format(n=len(row["notes"])))
        first = row["reasons"][0] if row["reasons"] else _("cannot")
        more = len(row["reasons"]) - 1
        return _("{first} (+{more} more)").format(first=first, more=more) if more > 0 else first

    def reason_text(self, row_id: int | None) -> str:
        r = self.results.get(row_id) if row_id is not None else None
        if r is None:
            return ""
        number = format_msisdn(r["msisdn"]) if r["msisdn"] else _("(gone)")
        if not r["failed"]:
            return f"{number}: " + "; ".join([_("ok")] if r["ok"] and not r["notes"]
                                             else r["notes"])
        return f"! {number}: " + "; ".join(r["reasons"] + r["notes"])

    def _point(self, row_id: int | None) -> None:
        if self.step != 2:
            return
        self.query_one("#reason", Static).update(plain(self.reason_text(row_id)))

    def on_check_table_pointed(self, event: CheckTable.Pointed) -> None:
        event.stop()
        table = event.table
        if event.source == "leave":
            self._point(table.cursor_id)
        else:
            self._point(event.row_id)

    # -- step 3 -------------------------------------------------------------------------
    def action_apply(self) -> None:
        if self.step != 2 or self.checking or self.plan is None:
            return
        if not self.can_change:
            self.query_one("#count", Static).update(Content(
                _("x The {role} role may not change services.").format(role=permissions.role_label(self.app.session.role))))
            return
        passing = [i for i, r in self.results.items() if r["ok"]]
        if not passing:
            return
        plan_changes = sum(len(r["changes"]) for r in self.results.values())
        self.checking = True
        self.query_one("#apply", Button).disabled = True
        self.query_one("#count", Static).update(Content(
            _("Applying to {n_passing} number(s)...").format(n_passing=number(len(passing)))))
        bar = self.query_one("#check-progress", WorkProgress)
        bar.start(plan_changes, N_("Applied {done} of {total} changes"))
        self.query_one("#check-progress .work-cancel", Button).focus()
        self._apply_worker(self.plan, sorted(self.results), bar.cancelled)

    @work(thread=True, exclusive=True, group="services-apply")
    def _apply_worker(self, plan: options_uc.Plan, ids: list[int], cancelled) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        run_in_worker(self.app, lambda: options_uc.apply_plan(
            self.app.session, plan, ids, progress=progress, cancelled=cancelled),
            self._show_summary, self._apply_failed, on_cancel=self._apply_cancelled)

    def _apply_failed(self, message: str) -> None:
        self.checking = False
        self.query_one("#check-progress", WorkProgress).finish()
        self.query_one("#apply", Button).disabled = False
        self.query_one("#count", Static).update(plain(_("x {message} Nothing was changed.").format(message=message)))
        self.query_one("#check-table", CheckTable).focus()

    def _apply_cancelled(self) -> None:
        """The apply stopped at the user's request: rolled back, back to the results."""
        self.checking = False
        self.query_one("#check-progress", WorkProgress).finish()
        self.query_one("#apply", Button).disabled = False
        text = _("The change was cancelled and rolled back: nothing was changed.")
        self.query_one("#count", Static).update(Content(text))
        self.query_one("#check-table", CheckTable).focus()
        self.app.notify(text, title=_("Cancelled"))

    def _show_summary(self, outcome: dict) -> None:
        self.checking = False
        self.query_one("#check-progress", WorkProgress).finish()
        self.applied = bool(outcome["applied"])
        lines = [(_("Applied to {n} number(s) (planned: the worker carries it out when due):")
                  if outcome["planned"] else _("Applied to {n} number(s):")).format(
                      n=number(outcome["applied"]))]
        for label, count in outcome["steps"]:
            lines.append(f"  {label}: {number(count)}")
        skipped = outcome["skipped"]
        if skipped:
            lines.append(_("! {skipped_count} number(s) did not get every change:").format(
                skipped_count=number(len(skipped))))
            for sid, reasons in list(skipped.items())[:5]:
                r = self.results.get(sid) or {}
                shown = format_msisdn(r["msisdn"]) if r.get("msisdn") else str(sid)
                lines.append(f"  ! {shown}: {'; '.join(reasons)}")
        untouched = len(self.results) - outcome["applied"]
        if untouched:
            lines.append(_("Left as they were: {not_checked} number(s).").format(
                not_checked=number(untouched)))
        self.query_one("#summary", Static).update(plain("\n".join(lines), multiline=True))
        self._show_step(3)

    # -- keys and buttons ---------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        bid = event.button.id
        if bid == "check":
            self.action_check()
        elif bid == "apply":
            self.action_apply()
        elif bid == "back":
            self.action_back()
        elif bid == "cancel2" and self.checking:
            self.query_one("#check-progress", WorkProgress).request_cancel()
        elif bid in ("cancel", "cancel2"):
            self.dismiss(False)
        elif bid == "close":
            self.dismiss(self.applied)

    def action_next(self) -> None:
        if self.step == 1:
            self.action_check()
        elif self.step == 2:
            self.action_apply()
        else:
            self.dismiss(self.applied)

    def action_back(self) -> None:
        if self.step == 1:
            self.dismiss(False)
        elif self.step == 2:
            if self.checking:  # esc during the check (it only reads) or the apply (rolled
                # back) stops it
                self.query_one("#check-progress", WorkProgress).request_cancel()
                return
            self._show_step(1)
        else:
            self.dismiss(self.applied)

    def selected_reason(self) -> str:
        """The text of the reason line (for tests and the help)."""
        return safe_text(str(self.query_one("#reason", Static).render()))
