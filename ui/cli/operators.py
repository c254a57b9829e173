"""`station operator add|list|disable|enable|badge`, `station void` and `station reprint`.

A PIN given as `-` is read from the first line of standard input, so it stays out of the shell's
history and the process list.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import sys
from pathlib import Path

from station.desks.factory import Desks
from station.desks.outcome import Outcome
from station.errors import ExitCode
from station.office.operators import Role
from station.paths import replace_private, write_new_private
from ui.cli.common import (
    Subcommands,
    add_json,
    add_where,
    answer,
    group,
    open_station,
    printable,
    secret,
    session_file,
    station_paths,
    where,
)


def _admin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", metavar="ADMIN", help="the admin doing it (needed once the station has operators)")
    p.add_argument("--by-pin", metavar="PIN", help="the admin's PIN ('-': read it from standard input)")


def _supervised(p: argparse.ArgumentParser) -> None:
    p.add_argument("--supervisor", metavar="NAME", help="the supervisor authorising it")
    p.add_argument("--pin", metavar="PIN", help="the supervisor's PIN ('-': read it from standard input)")


def register(sub: Subcommands) -> None:
    """Add the operator commands, `void` and `reprint`."""
    o = group(sub, "operator", "the station's operators, their roles and badges")
    a = o.add_parser("add", help="a new operator with a role and a PIN (an admin's act)")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", required=True, choices=[r.value for r in Role])
    a.add_argument("--pin", required=True, help="4-12 digits or a passphrase of 8+ characters ('-': stdin)")
    _admin(a)
    a.set_defaults(func=cmd_add)
    ls = o.add_parser("list", help="every operator, their role and state")
    add_json(ls)
    ls.set_defaults(func=cmd_list)
    for verb, helptext in (("disable", "stop an operator signing in"), ("enable", "let them sign in again")):
        p = o.add_parser(verb, help=helptext)
        p.add_argument("name", metavar="NAME")
        _admin(p)
        p.set_defaults(func=cmd_enable if verb == "enable" else cmd_disable)
    pn = o.add_parser("pin", help="change your own PIN (the one you have, then the new one)")
    pn.add_argument("name", metavar="NAME")
    pn.add_argument("--old-pin", default="-", help="'-' (the default): typed at the prompt, or on stdin")
    pn.add_argument("--new-pin", default="-", help="'-' (the default): the next line of stdin, or a prompt")
    pn.set_defaults(func=cmd_pin)
    rp = o.add_parser("reset-pin", help="give an operator a new PIN (an admin's act, journalled)")
    rp.add_argument("name", metavar="NAME")
    rp.add_argument("--pin", required=True, help="the new PIN: '-' (typed at the prompt, or on stdin)")
    _admin(rp)
    rp.set_defaults(func=cmd_reset_pin)
    rc = o.add_parser(
        "recover",
        help="the machine owner gives an operator a new PIN and enables them (journalled): for a locked-out"
        " or lost admin",
    )
    rc.add_argument("name", metavar="NAME")
    rc.add_argument("--pin", required=True, help="the new PIN: '-' (typed at the prompt, or on stdin)")
    rc.set_defaults(func=cmd_recover)
    si = sub.add_parser(
        "signin", help="prove who you are at this station's command line (until signout or idle)"
    )
    si.add_argument("name", metavar="NAME", help="your name or your badge")
    si.add_argument("--pin", default="-", help="'-' (the default): typed at the prompt, or on standard input")
    si.set_defaults(func=cmd_signin)
    so = sub.add_parser("signout", help="end this home's command-line session")
    so.set_defaults(func=cmd_signout)
    b = o.add_parser("badge", help="the operator's badge: a Code 128 label (ZPL or PDF)")
    b.add_argument("name", metavar="NAME")
    b.add_argument("--out", required=True, type=Path, help="FILE.zpl or FILE.pdf")
    b.add_argument("--dpi", type=int, default=203, choices=(203, 300, 600))
    b.set_defaults(func=cmd_badge)
    v = sub.add_parser("void", help="void a paid piece: postage refunded, label dead (a supervisor's act)")
    v.add_argument("item", metavar="ITEM")
    _supervised(v)
    v.add_argument("--reason", required=True, help="why it is voided")
    v.add_argument(
        "--refund",
        metavar="HOW",
        help="a paid piece: how the customer is paid back, the way they paid: cash, or card:REF (the"
        " card terminal's refund reference)",
    )
    add_where(v)
    add_json(v)
    v.set_defaults(func=cmd_void)
    r = sub.add_parser("reprint", help="print an item's label (or a job) again, marked REPRINT n")
    r.add_argument("what", metavar="ITEM|JOB", help="a tracking number (its last label) or a job number")
    _supervised(r)
    r.add_argument("--reason", default="", help="why (asked with a supervisor)")
    add_where(r)
    add_json(r)
    r.set_defaults(func=cmd_reprint)


def cmd_add(args: argparse.Namespace) -> int:
    """Exit 0 with the badge, 1 when refused."""
    with open_station(args) as station:
        done = Desks(station).operators.add(
            args.name, args.role, secret(args.pin) or "", args.by, secret(args.by_pin)
        )
    return answer(done, False)


def cmd_list(args: argparse.Namespace) -> int:
    """One line per operator (never a PIN or its hash)."""
    with open_station(args, read_only=True) as station:
        found = Desks(station).operators.listing()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "name": o.name,
                        "role": str(o.role),
                        "badge": o.badge,
                        "enabled": o.enabled,
                        "wrong_pins": o.wrong_pins,
                        "disabled_why": o.disabled_why,
                    }
                    for o in found
                ]
            )
        )
        return ExitCode.DONE
    for o in found:
        state = "enabled" if o.enabled else f"DISABLED ({o.disabled_why})"
        print(printable(f"{o.name:<20} {o.role:<11} {o.badge}  {state}"))
    if not found:
        print("no operators yet: `station operator add NAME --role admin --pin ...` makes the first")
    return ExitCode.DONE


def cmd_pin(args: argparse.Namespace) -> int:
    """Exit 0 when the PIN was changed, 1 when refused (a wrong current PIN counts as a wrong PIN)."""
    old_pin, new_pin = secret(args.old_pin, "current PIN") or "", secret(args.new_pin, "new PIN") or ""
    with open_station(args) as station:
        done = Desks(station).operators.change_pin(args.name, old_pin, new_pin)
    return answer(done, False)


def cmd_reset_pin(args: argparse.Namespace) -> int:
    """Exit 0 when the operator has the new PIN, 1 when refused."""
    new_pin = secret(args.pin, "new PIN") or ""
    with open_station(args) as station:
        done = Desks(station).operators.reset_pin(args.name, new_pin, args.by, secret(args.by_pin))
    return answer(done, False)


def _set(args: argparse.Namespace, enabled: bool) -> int:
    with open_station(args) as station:
        done = Desks(station).operators.set_enabled(args.name, enabled, args.by, secret(args.by_pin))
    return answer(done, False)


def cmd_disable(args: argparse.Namespace) -> int:
    """Exit 0 when disabled."""
    return _set(args, False)


def cmd_enable(args: argparse.Namespace) -> int:
    """Exit 0 when enabled again."""
    return _set(args, True)


def cmd_signin(args: argparse.Namespace) -> int:
    """Exit 0 when signed in (the session's token kept at 0600 in the data folder), 1 when refused."""
    pin = secret(args.pin) or ""
    with open_station(args) as station:
        done, token = Desks(station).operators.start_session(args.name, pin)
        if token is not None:
            path = session_file(station)
            path.unlink(missing_ok=True)  # one session a home: the last to sign in acts
            write_new_private(path, (token + "\n").encode("ascii"))
    return answer(done, False)


def cmd_signout(args: argparse.Namespace) -> int:
    """Exit 0 (also when no one was signed in)."""
    with open_station(args) as station:
        path = session_file(station)
        token = path.read_text(encoding="ascii", errors="replace").strip() if path.exists() else ""
        done = Desks(station).operators.end_session(token)
        path.unlink(missing_ok=True)
    return answer(done, False)


def cmd_recover(args: argparse.Namespace) -> int:
    """Exit 0 when recovered; 1 when refused, or when this user does not own the station's data."""
    paths = station_paths(args)
    data = paths.data if paths.data.exists() else paths.db.parent
    owner = data.stat().st_uid
    me = os.geteuid()
    if me not in (0, owner):
        print(
            printable(
                f"REJECT only the machine's owner of {data} (or root) recovers an operator: this is user {me}"
            ),
            file=sys.stderr,
        )
        return ExitCode.REFUSED
    pin = secret(args.pin) or ""
    with open_station(args) as station:
        done = Desks(station).operators.recover(args.name, pin, pwd.getpwuid(me).pw_name)
    return answer(done, False)


def cmd_badge(args: argparse.Namespace) -> int:
    """Write the badge label; exit 1 for an unknown operator or a file type not ZPL or PDF."""
    fmt = {".zpl": "zpl", ".pdf": "pdf"}.get(args.out.suffix.lower())
    if fmt is None:
        print(f"REJECT {args.out.name}: the badge is written as .zpl or .pdf", file=sys.stderr)
        return ExitCode.REFUSED
    with open_station(args, read_only=True) as station:
        made = Desks(station).operators.badge(args.name, fmt, args.dpi)
    if isinstance(made, Outcome):
        return answer(made, False)
    replace_private(args.out, made)
    print(printable(f"OK badge of {args.name} written to {args.out}"))
    return ExitCode.DONE


def cmd_void(args: argparse.Namespace) -> int:
    """Exit 0 when voided, 1 when refused (nothing changed but a wrong PIN's count)."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        done = Desks(station).voids.void(
            args.item,
            supervisor=args.supervisor,
            pin=secret(args.pin),
            reason=args.reason,
            facility=facility,
            operator=operator,
            refund=args.refund,
        )
    return answer(done, args.json)


def cmd_reprint(args: argparse.Namespace) -> int:
    """Exit 0 when the reprint is queued, 1 when refused."""
    with open_station(args) as station:
        facility, operator = where(args, station)
        job = Desks(station).printing.job_of(args.what)
        if job is None:
            return answer(Outcome.refused(f"no label printed here for {args.what}"), args.json)
        done = Desks(station).printing.reprint(
            job,
            facility=facility,
            operator=operator,
            supervisor=args.supervisor,
            pin=secret(args.pin),
            reason=args.reason,
        )
    return answer(done, args.json)
