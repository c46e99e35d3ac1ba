"""Result files for course platforms, written from the JSON report."""
