"""Use cases of the ledger: authorizations, visits, verdicts and alerts."""
