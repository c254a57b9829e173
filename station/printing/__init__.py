"""The durable print queue: jobs are stored before they are sent, printed once, in order."""
