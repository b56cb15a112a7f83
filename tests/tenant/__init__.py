"""Tests of the bundled tenant server (issue 6)."""
