"""Rating: call records -> charges, by the tariff and options in force (issue 19).

The API (for the Charges screen, the CLI, the demo, the feeds and the optimiser):

``corptui.rating.plans`` — prices and bundles as data
    ``validate(rates, option=False) -> dict``: a tariff's (option's) ``rates`` checked
    (ValidationError naming the key); the keys are documented in that module.
    ``call_class(counterpart) -> ("domestic", onnet|mobile|fixed|long_distance) |
    ("international", cis|europe|world)``.
    ``plan_of(tariff_rates, [option_rates...]) -> Plan``: the prices in force.
    ``DEMO_TARIFF_RATES``, ``DEMO_OPTION_RATES``: the seeded plans by code.

``corptui.rating.engine`` — pure, no database
    ``rate_month(month_days, segments, options, records) -> (lines, costs)``:
    ``segments``: [Segment(start, tariff_id, name, fee, rates, days)] in time order
    (start None = the month's start); ``options``: [OptionSpan(option_id, name, start,
    end, fee, connection_fee, rates, days, connected_here)]; ``records``: tuples (id,
    started_at, direction, kind, counterpart, duration_seconds, volume_kb, roaming,
    roaming_zone) in time order (times only compared: any one comparable type).
    ``lines``: [Line(kind, option_id, description, amount kopecks, records ids)];
    ``costs``: [(record id, cost kopecks, index into lines)].
    The optimiser rates a number's month on another tariff by passing one Segment of
    that tariff for the whole month.

``corptui.rating.billing`` — the database
    ``rate_company_month(company_id, month) -> stats``: rate (again) a month that is not
    billed; idempotent (a second run writes nothing). Charge lines keep their ids
    (disputes refer to them); ``CallRecord.charge_id`` links a record to its line and
    ``CallRecord.cost`` is its rated cost.
    ``close_month(company_id, month, actor=)``: rate a last time and mark it billed.
    ``rate_open_months(company_id)``: every month with records that is not billed.
    ``month_state(company_id, month) -> "in_progress" | "billed" | None``,
    ``billed_months(company_id) -> set[date]``, ``months(company_id) -> [dict]``.
    ``parse_month("2026-10") -> date(2026, 10, 1)``.

``corptui.rating.tariffs`` — the catalogue as the operator edits it
    ``list_tariffs()``, ``tariff_card(code)``, ``set_tariff(code, ...)``.

A number's tariff history (``TariffHistory``) is written by every tariff switch
(``record_switches``); a number without one has had its current tariff all along.
"""
