"""The station's use cases, one desk per place of work: each method takes plain values, does its work in
one transaction, and returns a value that the CLI prints and the window shows.

    scan.ScanDesk        the one path every scan takes (classify, check, journal)
    counter.CounterDesk  quote and accept a piece (meter, indicia, label, receipt, SMS opt-in)
    depot.DepotDesk      sacks: new, open, sort (with the destination rule), remove, close, dispatch, receive
    carrier.CarrierDesk  the round: load, deliver with a signature, attempt, delay, return to the depot
    track.TrackDesk      look-ups, notes and disputes
"""
