"""Use cases that compose the others for a page: the front desk's intake, benefits card and
client file; the practice manager's dashboard."""
