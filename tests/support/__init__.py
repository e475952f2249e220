"""Test helpers: fake clock, synthetic people, builders."""
