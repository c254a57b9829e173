"""The station's SQLite database: the hash-chained journal, checkpoints, serial blocks, program versions."""
