"""Content stage: load YAML safely, validate it against the model, parse its Markdown."""
