"""Root conftest. The scanprops pytest plugin itself is installed with the package (an entry
point, see pyproject.toml), so that pytest knows its options before it chooses a rootdir."""
