"""Helpers behind the invoke tasks: atomic builds and publishing, the preview server, the benchmark."""
