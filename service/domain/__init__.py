"""Pure rules of the domain: no database, no network, no Flask."""
