"""Performance benchmarks of pulumi-fsx-copy: ``python -m bench`` (see docs/performance.md)."""
