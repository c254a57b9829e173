"""The customer's side of the hub: a tracking web app and API (Starlette, Jinja2, run by uvicorn).

It reads the hub as a member of `hub_web` (hub/sql/0009): public columns only, the postcode checked and
choices taken by the hub's own functions. `station hub web --dsn DSN` runs it.
"""
