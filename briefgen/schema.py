"""JSON Schemas for the content format and ``briefgen.yaml``, from the models the loader uses.

Editors with a YAML language server (VS Code, JetBrains, Neovim) read them to autocomplete
and flag mistakes while typing; ``briefgen init`` links them from the files it creates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefgen.model import Brief, Project

SCHEMAS = {
    "brief.schema.json": (Brief, "briefgen brief"),
    "briefgen.schema.json": (Project, "briefgen project config"),
}


def schema_of(model: type, title: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": title}


def write_schemas(folder: Path) -> list[Path]:
    """Write both schemas into ``folder``; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (model, title) in SCHEMAS.items():
        path = folder / name
        path.write_text(json.dumps(schema_of(model, title), indent=2) + "\n", "utf-8")
        written.append(path)
    return written
