"""Static files taken from ``node_modules`` (installed by ``npm ci`` from package-lock.json).

Only the files listed in :data:`VENDOR_FILES` are exposed, under ``vendor/``; nothing is copied into
the repository by hand and nothing comes from a CDN.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

#: static path -> path inside node_modules
VENDOR_FILES = {
    "vendor/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "vendor/cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
}


def node_modules_dir() -> Path | None:
    configured = getattr(settings, "NODE_MODULES_DIR", "")
    candidates = [Path(configured)] if configured else []
    here = Path(__file__).resolve()
    candidates += [parent / "node_modules" for parent in here.parents]
    candidates.append(Path.cwd() / "node_modules")
    for candidate in candidates:
        if (candidate / "htmx.org").is_dir():
            return candidate
    return None


class NodeModulesFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.root = node_modules_dir()
        self.storage = FileSystemStorage(location=str(self.root)) if self.root else None

    def check(self, **kwargs: Any) -> list[Any]:
        if self.root is None:
            return [
                CheckWarning(
                    "node_modules not found: run `npm ci` in the repository (or set BIDWATCH_NODE_MODULES)",
                    id="bidwatch.W001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        if self.root is None or path not in VENDOR_FILES:
            return [] if find_all else None
        full = self.root / VENDOR_FILES[path]
        if not full.exists():
            return [] if find_all else None
        return [str(full)] if find_all else str(full)

    def list(self, ignore_patterns: Any) -> Any:
        if self.root is None:
            return
        for static_path, rel in VENDOR_FILES.items():
            if (self.root / rel).exists():
                yield static_path, _AliasStorage(self.root, static_path, rel)


class _AliasStorage(FileSystemStorage):
    """Storage that reports a node_modules file under its ``vendor/`` name to collectstatic."""

    def __init__(self, root: Path, static_path: str, rel: str) -> None:
        super().__init__(location=str(root))
        self.prefix = None
        self._static_path = static_path
        self._rel = rel

    def path(self, name: str) -> str:
        return super().path(self._rel if name == self._static_path else name)
