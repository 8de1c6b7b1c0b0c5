"""Platform adapters: translate platform payloads to core types and render replies."""
