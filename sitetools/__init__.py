"""The author's runtime behind the tasks (requirements.txt only): builds, releases, publishing, preview, link check.

Below it, each with its own job: qa/ (quality tooling, requirements-dev.txt), bench/ (`invoke bench`) and
wordpress/ (`invoke import-wordpress`).
"""
