"""The journal read as history: replay, exchange (CSV, Parquet), fraud rules, estimates, figures, rounds."""
