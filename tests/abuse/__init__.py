"""Abusive submissions, one abuse each: tests/test_abuse.py copies each into a temporary folder
(as a learner's file, outside the harness) and runs the harness on it. None of these files is
imported by the harness's own tests; `{ROOT}` and `{REPORT}` are filled in by the test."""
