"""The network hub: a PostgreSQL database every station pushes its journal to (psycopg 3)."""
