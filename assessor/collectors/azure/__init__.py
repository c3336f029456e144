"""Azure collection: Resource Graph rows and ARM documents mapped to snapshots, live or from an export."""
