"""axe-core for the browser tests, fetched with npm as the project's own setup step.

`make axe-core` (run by `make test` and `make screenshots`) and the browser tests themselves call
`axe_source()`: the first call runs `npm pack axe-core@<AXE_VERSION>` into a temporary folder and
keeps `axe.min.js` (and its licence) in tests/.axe-core/ (git-ignored); later calls read that file.
No hand install: only `npm` on PATH and the npm registry are needed, once.

`python -m tests.axe` fetches it and prints the path.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_DIR = Path(__file__).resolve().parents[1] / ".axe-core"
AXE_JS = AXE_DIR / f"axe-{AXE_VERSION}.min.js"


class AxeUnavailable(RuntimeError):
    pass


def fetch_axe() -> Path:
    """Download axe-core with `npm pack` (no node_modules, no package.json) unless already here."""
    if AXE_JS.is_file():
        return AXE_JS
    npm = shutil.which("npm")
    if npm is None:
        raise AxeUnavailable("npm is not on PATH: install Node.js/npm, then run `make axe-core`")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", tmp, "--silent"],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        tarballs = list(Path(tmp).glob("axe-core-*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise AxeUnavailable(f"npm pack axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-500:]}")
        with tarfile.open(tarballs[0]) as tar:
            for member, target in (("package/axe.min.js", AXE_JS), ("package/LICENSE", AXE_DIR / "LICENSE")):
                source = tar.extractfile(member)
                if source is None:
                    raise AxeUnavailable(f"{member} missing from the axe-core package")
                AXE_DIR.mkdir(parents=True, exist_ok=True)
                partial = target.with_suffix(".partial")
                partial.write_bytes(source.read())
                partial.replace(target)
    return AXE_JS


def axe_source() -> str:
    return fetch_axe().read_text(encoding="utf-8")


if __name__ == "__main__":
    print(fetch_axe())
