"""The web app's pages, by what they are about."""
