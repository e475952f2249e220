"""CDS Hooks: the services an EHR calls at booking time, their clients, tokens and cards."""
