"""`python -m src.api.openapi [--check]`: export the API's document to `openapi.json` (or, with
`--check`, exit 1 when the file differs from what the app describes).

The document is the API's alone (`src.api.app.create_api`): the pages `src/app.py` mounts beside it
are outside the schema, so the served `/openapi.json` is the same (tests/api/test_api_contract.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from src.api.app import create_api
from src.api.openapi import OPENAPI_PATH, exported_settings, render


def main(argv: list[str], path: Path = OPENAPI_PATH) -> int:
    text = render(create_api(exported_settings()))
    if "--check" in argv:
        if not path.exists() or path.read_text() != text:
            print(f"{path.name} is stale: run `python -m src.api.openapi` and commit it", file=sys.stderr)
            return 1
        print(f"{path.name} is up to date")
        return 0
    path.write_text(text)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
