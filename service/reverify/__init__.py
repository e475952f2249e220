"""Nightly re-verification: select coverages, check them within payer limits, report changes."""
