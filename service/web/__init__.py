"""HTTP layer: thin blueprints that translate between JSON and the use cases."""
