"""Every hotkey of the window, in one table: the F1 key map is drawn from it and the window's shortcuts
are made from it, so the two never disagree.

A key works on the screens listed for it; the same key may do the screen's own action on different
screens (F9 accepts at the counter and records a delivery in the van). Screens are switched with
F2-F6 so that F1 stays the key map, as on every other desktop program.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "all"


@dataclass(frozen=True, slots=True)
class Hotkey:
    """A key, the screen it works on, the screen's action it calls, and what it does in words."""

    key: str  # QKeySequence text
    screen: str  # a screen's name, or ALL
    action: str  # the method called on the screen (or on the window for ALL)
    words: str


HOTKEYS: tuple[Hotkey, ...] = (
    Hotkey("F1", ALL, "show_key_map", "this key map"),
    Hotkey("F2", ALL, "go_counter", "Counter screen"),
    Hotkey("F3", ALL, "go_depot", "Depot screen"),
    Hotkey("F4", ALL, "go_carrier", "Carrier screen"),
    Hotkey("F5", ALL, "go_track", "Track screen"),
    Hotkey("F6", ALL, "go_devices", "Devices screen"),
    Hotkey("Ctrl+Shift+H", ALL, "go_pickup", "Pickup screen: the shelf of held items, hand-over with ID"),
    Hotkey("Ctrl+Shift+E", ALL, "go_cases", "Cases screen (customer service)"),
    Hotkey("Ctrl+G", ALL, "go_fraud", "Fraud screen (supervisors): open alerts"),
    Hotkey("Ctrl+I", ALL, "go_insights", "Insights screen: charts, on hand, staffing"),
    Hotkey("Ctrl+Shift+O", ALL, "go_operators", "Operators screen (admins): add, enable, new PIN, badge"),
    Hotkey("Ctrl+Shift+P", ALL, "change_my_pin", "change your own PIN"),
    Hotkey("F11", ALL, "toggle_camera", "pause / resume the camera"),
    Hotkey("F12", ALL, "acknowledge_rejects", "acknowledge the rejects in the tray"),
    Hotkey("Ctrl+L", ALL, "lock", "lock the window (sign in again to go on)"),
    Hotkey("F9", "counter", "accept_piece", "accept and print"),
    Hotkey("Esc", "counter", "cancel_item", "cancel the current item (clear the form)"),
    Hotkey("Ctrl+R", "counter", "reprint", "reprint an item's label (scan it; Enter: the last one)"),
    Hotkey("Ctrl+Shift+R", "counter", "reprint_receipt", "reprint an item's receipt (scan it)"),
    Hotkey("Ctrl+W", "counter", "type_weight", "type the weight (the scale is not used)"),
    Hotkey("Ctrl+0", "counter", "zero_scale", "zero the scale"),
    Hotkey("Ctrl+T", "counter", "tare_scale", "tare the scale"),
    Hotkey("Ctrl+M", "counter", "add_funds", "add funds to the meter"),
    Hotkey("Ctrl+Shift+S", "counter", "focus_sender", "the sender: a known one by name or account, or typed"),
    Hotkey("F8", "counter", "dropoff_receipt", "a drop-off receipt: the prepaid pieces of this visit"),
    Hotkey("F7", "counter", "edit_customs", "customs declaration of an item abroad (CN 22 / CN 23)"),
    Hotkey("F10", "counter", "pay_cash", "the customer pays cash (tendered, change shown)"),
    Hotkey("Ctrl+K", "counter", "pay_card", "the customer paid by card (the terminal's reference)"),
    Hotkey("Ctrl+Shift+K", "counter", "pay_split", "split: part by card, the rest in cash"),
    Hotkey("Del", "counter", "remove_line", "take the selected piece out of the basket (before payment)"),
    Hotkey("Ctrl+Shift+V", "counter", "void_item", "void a paid piece (a supervisor's PIN)"),
    Hotkey("Ctrl+Shift+T", "counter", "close_till", "close the day's till (the cash counted)"),
    Hotkey("F7", "depot", "new_sack", "new sack (prints its tag)"),
    Hotkey("F8", "depot", "close_sack", "close the sack (prints its final tag)"),
    Hotkey("F9", "depot", "dispatch_mode", "dispatch: scan sack tags leaving"),
    Hotkey("F10", "depot", "receive_mode", "receive: scan sack tags arriving"),
    Hotkey("Esc", "depot", "sort_mode", "back to sorting into the sack"),
    Hotkey("Ctrl+Z", "depot", "undo_last", "undo the last item sorted"),
    Hotkey("Del", "depot", "remove_selected", "take the selected item out of the sack"),
    Hotkey("Ctrl+R", "depot", "reprint", "reprint the last sack tag"),
    Hotkey("F7", "carrier", "loading_stage", "load the round (scan items into the van)"),
    Hotkey("F8", "carrier", "door_stage", "at the door (scan the item to deliver)"),
    Hotkey("F9", "carrier", "deliver", "delivered (after the signature)"),
    Hotkey("F10", "carrier", "attempted", "attempted, for the reason chosen"),
    Hotkey("Ctrl+D", "carrier", "delayed", "delayed, for the reason chosen"),
    Hotkey("Esc", "carrier", "clear_signature", "clear the signature"),
    Hotkey("Ctrl+P", "carrier", "take_photo", "a photo of the parcel at the door (faces blurred)"),
    Hotkey("Ctrl+N", "carrier", "next_handed", "handed to: the addressee, a neighbour, or a safe place"),
    Hotkey(
        "Ctrl+Shift+B",  # not Ctrl+B: a wedge scanner types its STX prefix as Ctrl+B
        "carrier",
        "back_at_the_office",
        "back at the office: every item not delivered off the round",
    ),
    Hotkey("F7", "pickup", "put_on_shelf", "put the scanned item on the shelf typed"),
    Hotkey("F9", "pickup", "hand_over", "hand the item over (ID checked, code or signature)"),
    Hotkey("Esc", "pickup", "clear_signature", "clear the signature"),
    Hotkey("Ctrl+S", "devices", "save", "check the device settings and save them (devices restart)"),
    Hotkey("Ctrl+P", "devices", "test_print", "a test print on the label printer"),
    Hotkey("F9", "devices", "run_doctor", "check the whole station (station doctor): each part, and the fix"),
    Hotkey("Ctrl+Shift+D", "devices", "load_demo", "load a demo day (asks first)"),
    Hotkey("Ctrl+F", "track", "focus_search", "search: id, name, phone, ZIP or YYYY-MM-DD"),
    Hotkey("Ctrl+O", "track", "open_proof", "show the proof of delivery"),
    Hotkey("F9", "cases", "open_case", "open a case about the item"),
    Hotkey("Ctrl+N", "cases", "add_note", "add the note to the selected case"),
    Hotkey("Ctrl+Return", "cases", "resolve", "resolve the selected case (the note says how)"),
    Hotkey("F9", "fraud", "run_rules", "run every fraud rule over the journal now"),
    Hotkey("F7", "fraud", "acknowledge", "acknowledge the selected alert"),
    Hotkey("Ctrl+Return", "fraud", "resolve", "resolve the selected alert (the note says what was found)"),
    Hotkey("F9", "operators", "add_operator", "add the operator typed, with the role chosen and a first PIN"),
    Hotkey("F7", "operators", "toggle_enabled", "disable the selected operator, or enable them again"),
    Hotkey("F8", "operators", "reset_pin", "give the selected operator a new PIN (journalled)"),
    Hotkey("Ctrl+P", "operators", "print_badge", "print the selected operator's badge"),
    Hotkey("F9", "insights", "recompute", "recompute the figures for the period chosen"),
    Hotkey("Ctrl+P", "insights", "write_pdf", "write the report with its charts as a PDF"),
)


def for_screen(screen: str) -> list[Hotkey]:
    """The keys that work on `screen`, its own first."""
    return [h for h in HOTKEYS if h.screen == screen] + [h for h in HOTKEYS if h.screen == ALL]


def screen_key(screen: str) -> str:
    """The key that brings `screen` to the front."""
    return next(h.key for h in HOTKEYS if h.screen == ALL and h.action == f"go_{screen}")


def keys() -> list[str]:
    """Every distinct key, in table order."""
    return list(dict.fromkeys(h.key for h in HOTKEYS))


def action_for(key: str, screen: str) -> Hotkey | None:
    """What `key` does on `screen` (its own action first, then the window's)."""
    for hotkey in HOTKEYS:
        if hotkey.key == key and hotkey.screen == screen:
            return hotkey
    for hotkey in HOTKEYS:
        if hotkey.key == key and hotkey.screen == ALL:
            return hotkey
    return None
