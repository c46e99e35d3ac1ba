"""Build versions/inputs.json, the fixed inputs golden values are recorded on. Run once; the
file is committed, so every version and every later change of the strategies sees the same
inputs (rebuild only to add a catalog row, and then record the golden values again).

    python -m versions.make_inputs

Per row: the catalog's own `examples()` (its edge cases, then one input at the default
profile's large sizes), exactly the inputs every property run starts with.
"""
from __future__ import annotations

import json
import sys

from versions.record import INPUTS, ROOT


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from hypothesis import settings

    import scanprops.profiles  # noqa: F401  (registers the profiles)
    from scanprops.catalog import CATALOG
    from versions import codec

    settings.load_profile("default")
    rows = {p.name: [{k: codec.encode(v) for k, v in case.args} for case in p.examples()] for p in CATALOG}
    document = {
        "schema": 1,
        "about": "Fixed inputs for golden values: each catalog row's examples() (edge cases, then one input "
                 "at the default profile's large sizes). Encoding: versions/codec.py.",
        "rows": rows,
    }
    INPUTS.write_text(json.dumps(document, indent=1) + "\n")
    print(f"{sum(len(v) for v in rows.values())} inputs for {len(rows)} rows -> {INPUTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
