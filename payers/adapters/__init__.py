"""Payer connectors, one package each, every one behind the adapter protocol of payers.base."""
