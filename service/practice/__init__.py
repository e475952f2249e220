"""Use cases of a practice: patients, coverages, staff, settings, sign-in, audit, access."""
