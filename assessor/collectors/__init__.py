"""Live collectors: each reads one cloud with read-only calls and writes snapshots. SDKs are imported lazily."""
