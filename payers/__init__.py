"""Payer-side library: the X12 codec and payer adapters (imports nothing from service/)."""
