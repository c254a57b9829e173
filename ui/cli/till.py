"""`station basket open|show|remove|pay|abandon`, `station till report|close|reopen` and `station suspense
list|dispute|clear`: the counter's money."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from station.desks.basket import Paid
from station.desks.factory import Desks
from station.desks.outcome import Outcome
from station.desks.till import TillDesk, report_lines
from station.errors import ExitCode
from station.model.inputs import parse_cents
from station.office.till import DayReport
from station.paths import replace_private
from station.postage.rates import money
from ui.cli.common import (
    RECORD_NUMBER,
    Subcommands,
    add_json,
    add_where,
    answer,
    day_argument,
    group,
    open_station,
    printable,
    secret,
    where,
)


def _amount(text: str) -> int:
    try:
        return parse_cents(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(sub: Subcommands) -> None:
    """Add `basket` and `till`."""
    b = group(sub, "basket", "a customer's visit: pieces, one total, one payment")
    o = b.add_parser("open", help="a new customer's basket (then `accept --basket N`)")
    add_where(o)
    add_json(o)
    o.set_defaults(func=cmd_open)
    s = b.add_parser("show", help="the basket's lines and total")
    s.add_argument("basket", type=RECORD_NUMBER, metavar="N")
    add_json(s)
    s.set_defaults(func=cmd_show)
    r = b.add_parser("remove", help="take a piece out before payment (voided, postage back in the meter)")
    r.add_argument("basket", type=RECORD_NUMBER, metavar="N")
    r.add_argument("item", metavar="ITEM")
    add_where(r)
    add_json(r)
    r.set_defaults(func=cmd_remove)
    p = b.add_parser(
        "pay",
        help="take the payment: cash (tendered), card (the terminal's reference), or split: --card-amount"
        " on the card and the rest in cash",
    )
    p.add_argument("basket", type=RECORD_NUMBER, metavar="N")
    p.add_argument("--cash", type=_amount, metavar="AMOUNT", help="what the customer handed over, e.g. 50.00")
    p.add_argument("--card", metavar="REF", help="the card terminal's reference (never the card number)")
    p.add_argument(
        "--card-amount",
        type=_amount,
        metavar="AMOUNT",
        help="split tender: this much on the card (--card REF), the rest in cash (--cash tendered)",
    )
    add_where(p)
    add_json(p)
    p.set_defaults(func=cmd_pay)
    ab = b.add_parser(
        "abandon", help="give a basket up: an empty one closes; unpaid pieces are voided under a supervisor"
    )
    ab.add_argument("basket", type=RECORD_NUMBER, metavar="N")
    ab.add_argument("--reason", default="", help="why (needed when it holds pieces)")
    ab.add_argument("--supervisor", metavar="NAME", help="who authorises it (once there are operators)")
    ab.add_argument("--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)")
    add_where(ab)
    add_json(ab)
    ab.set_defaults(func=cmd_abandon)
    su = group(
        sub, "suspense", "amounts the till cannot explain yet, held apart until a second person clears them"
    )
    sl = su.add_parser("list", help="what is in suspense (--all: with what was cleared)")
    sl.add_argument("--all", action="store_true", help="also the items cleared, with who and why")
    add_json(sl)
    sl.set_defaults(func=cmd_suspense_list)
    sd = su.add_parser("dispute", help="hold a disputed charge in suspense, with a case on the item")
    sd.add_argument("item", metavar="ITEM")
    sd.add_argument("--amount", type=_amount, required=True, help="what is disputed, e.g. 12.40")
    sd.add_argument("--reason", required=True, help="what the customer says")
    add_where(sd)
    add_json(sd)
    sd.set_defaults(func=cmd_suspense_dispute)
    sc = su.add_parser(
        "clear", help="clear an item (a supervisor other than whoever opened it, with a reason)"
    )
    sc.add_argument("id", type=RECORD_NUMBER, metavar="ID")
    sc.add_argument("--reason", required=True, help="how it was resolved")
    sc.add_argument("--supervisor", metavar="NAME", help="the second person")
    sc.add_argument("--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)")
    add_where(sc)
    add_json(sc)
    sc.set_defaults(func=cmd_suspense_clear)
    rv = sub.add_parser(
        "recover", help="after a stop: each acceptance, payment or void left in flight, and what became of it"
    )
    rv.set_defaults(func=cmd_recover)
    t = group(sub, "till", "the counter's day: added up, reconciled, closed")
    ro = t.add_parser("reopen", help="open a closed day again (a supervisor, with a reason; journalled)")
    ro.add_argument("--date", type=day_argument, required=True, help="YYYY-MM-DD")
    ro.add_argument("--reason", required=True, help="why")
    ro.add_argument("--supervisor", metavar="NAME", help="who authorises it")
    ro.add_argument("--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)")
    add_where(ro)
    add_json(ro)
    ro.set_defaults(func=cmd_reopen)
    for verb in ("report", "close"):
        c = t.add_parser(verb, help="the day as it stands" if verb == "report" else "close the day")
        c.add_argument("--date", type=day_argument, help="YYYY-MM-DD (default: today)")
        c.add_argument("--counted-cash", type=_amount, metavar="AMOUNT", help="the cash in the drawer")
        c.add_argument("--pdf", type=Path, help="also write the report as a PDF")
        add_where(c)
        add_json(c)
        c.set_defaults(func=cmd_close if verb == "close" else cmd_report)


def cmd_open(args: argparse.Namespace) -> int:
    """Exit 0 with the basket number."""
    with open_station(args) as station:
        _facility, operator = where(args, station)
        return answer(Desks(station).baskets.open(operator), args.json)


def cmd_show(args: argparse.Namespace) -> int:
    """The lines, the total, the state."""
    with open_station(args, read_only=True) as station:
        basket = Desks(station).baskets.get(args.basket)
    if basket is None:
        return answer(Outcome.refused(f"no basket {args.basket}"), args.json)
    if args.json:
        lines = [
            {"item": x.item_id, "service": x.service, "cents": x.cents, "removed": x.removed}
            for x in basket.lines
        ]
        print(
            json.dumps(
                {
                    "basket": basket.id,
                    "state": str(basket.state),
                    "total_cents": basket.total_cents,
                    "lines": lines,
                }
            )
        )
        return ExitCode.DONE
    print(f"basket {basket.id} ({basket.state}), {basket.operator}")
    for line in basket.lines:
        gone = "  (taken out)" if line.removed else ""
        print(printable(f"  {line.item_id:<22} {line.service:<18} {money(line.cents):>9}{gone}"))
    print(f"  TOTAL {money(basket.total_cents)}")
    return ExitCode.DONE


def cmd_remove(args: argparse.Namespace) -> int:
    """Exit 0 when taken out and voided."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        return answer(
            Desks(station).baskets.remove(args.basket, args.item, facility=facility, operator=operator),
            args.json,
        )


def cmd_pay(args: argparse.Namespace) -> int:
    """Exit 0 when paid (the change to give is printed), 1 when refused."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        desk = Desks(station).baskets
        done: Paid | Outcome
        if args.card_amount is not None and (args.card is None or args.cash is None):
            done = Outcome.refused("a split payment needs --card REF, --card-amount and --cash (tendered)")
        elif args.card_amount is not None:
            done = desk.pay_split(
                args.basket, args.card_amount, args.card, args.cash, facility=facility, operator=operator
            )
        elif (args.cash is None) == (args.card is None):
            done = Outcome.refused(
                "say how it is paid: --cash AMOUNT, --card REF, or both with --card-amount"
            )
        elif args.cash is not None:
            done = desk.pay_cash(args.basket, args.cash, facility=facility, operator=operator)
        else:
            done = desk.pay_card(args.basket, args.card, facility=facility, operator=operator)
    return answer(done, args.json)


def cmd_abandon(args: argparse.Namespace) -> int:
    """Exit 0 when the basket is closed or abandoned, 1 when refused."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).baskets.abandon(
            args.basket,
            supervisor=args.supervisor,
            pin=secret(args.pin),
            reason=args.reason,
            facility=facility,
            operator=operator,
        )
    return answer(done, args.json)


def cmd_reopen(args: argparse.Namespace) -> int:
    """Exit 0 when the day is open again, 1 when refused."""
    with open_station(args) as station:
        _facility, operator = where(args, station)
        done = Desks(station).till.reopen(
            args.date, supervisor=args.supervisor, pin=secret(args.pin), reason=args.reason, operator=operator
        )
    return answer(done, args.json)


def cmd_recover(args: argparse.Namespace) -> int:
    """Exit 0: what a stop left in flight (or that nothing was), recovery receipts queued for payments."""
    with open_station(args) as station:
        lines = Desks(station).recovery.recover()
    for line in lines or ["nothing was in flight: no transaction was cut off by a stop"]:
        print(printable(line))
    return ExitCode.DONE


def cmd_suspense_list(args: argparse.Namespace) -> int:
    """Every item in suspense, one a line (or JSON)."""
    with open_station(args, read_only=True) as station:
        found = Desks(station).suspense.listing(open_only=not args.all)
    if args.json:
        print(json.dumps({"items": [i.to_json() for i in found]}, ensure_ascii=False))
        return ExitCode.DONE
    for i in found:
        state = f"cleared by {i.cleared_by}: {i.cleared_because}" if i.cleared_at else "OPEN"
        print(printable(f"#{i.id} {i.kind} {money(i.cents)} {i.subject} (case {i.case_id}) {state}"))
    if not found:
        print("nothing in suspense")
    return ExitCode.DONE


def cmd_suspense_dispute(args: argparse.Namespace) -> int:
    """Exit 0 when the amount is held in suspense."""
    with open_station(args) as station:
        _facility, operator = where(args, station)
        done = Desks(station).suspense.dispute(args.item, args.amount, args.reason, operator=operator)
    return answer(done, args.json)


def cmd_suspense_clear(args: argparse.Namespace) -> int:
    """Exit 0 when cleared; 1 when refused (no supervisor, the same person, a wrong PIN)."""
    with open_station(args) as station:
        _facility, operator = where(args, station)
        done = Desks(station).suspense.clear(
            args.id, args.reason, supervisor=args.supervisor, pin=secret(args.pin), operator=operator
        )
    return answer(done, args.json)


def _show(report: DayReport | Outcome, args: argparse.Namespace, desk: TillDesk) -> int:
    if isinstance(report, Outcome):
        return answer(report, args.json)
    if args.pdf:
        replace_private(args.pdf, desk.pdf(report))
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        for line in report_lines(report):
            print(printable(line))
    return 0 if report.reconciled else 1


def cmd_report(args: argparse.Namespace) -> int:
    """The day as it stands; exit 1 when it does not reconcile."""
    with open_station(args, read_only=True) as station:
        desk = Desks(station).till
        return _show(desk.report(args.date, args.counted_cash), args, desk)


def cmd_close(args: argparse.Namespace) -> int:
    """Close the day; exit 0 when closed and reconciled, 1 when refused or not reconciled."""
    with open_station(args) as station:
        desk = Desks(station).till
        _facility, operator = where(args, station)
        done = desk.close(args.date, args.counted_cash, operator)
        code = _show(done, args, desk)
    if isinstance(done, DayReport) and not args.json:
        print(f"till of {done.day} closed", file=sys.stderr)
    return code
