"""Postage: rate tables (data in assets/rates), the meter's registers, signed indicia, receipts."""
