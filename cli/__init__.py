"""The `factcheck` command: thin click commands over the library, the flows and the tools (docs/architecture.md)."""
