"""Storage: the schema, the engine set-up and the queries, one module per concept."""
