"""Regenerate the fonts shipped with the built-in template sets (a maintainer's tool).

The fonts come from Debian packages (fonts-inter, fonts-noto-core, fonts-crosextra-carlito,
fonts-liberation2), all under the SIL Open Font License 1.1. They are subset to the Latin,
Greek and Cyrillic blocks plus punctuation, which covers Azerbaijani (ə, ğ, ı, İ, ş, ç, ö, ü)
and the other languages briefs are written in, at a fraction of the size.

    apt-get install fonts-inter fonts-noto-core fonts-crosextra-carlito fonts-liberation2
    python tools/subset_fonts.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
UNICODES = (
    "U+0000-024F,U+0250-02FF,U+0300-036F,U+0370-03FF,U+0400-04FF,U+1E00-1EFF,"
    "U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2215,U+25A0-25FF,U+FB01-FB02"
)
FONTS = {
    "default": [
        ("/usr/share/fonts/opentype/inter/Inter-Regular.otf", "Inter-Regular.otf"),
        ("/usr/share/fonts/opentype/inter/Inter-Italic.otf", "Inter-Italic.otf"),
        ("/usr/share/fonts/opentype/inter/Inter-SemiBold.otf", "Inter-SemiBold.otf"),
        ("/usr/share/fonts/opentype/inter/Inter-Bold.otf", "Inter-Bold.otf"),
        ("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf", "Carlito-Regular.ttf"),
        ("/usr/share/fonts/truetype/crosextra/Carlito-Bold.ttf", "Carlito-Bold.ttf"),
    ],
    "formal": [
        ("/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf", "NotoSerif-Regular.ttf"),
        ("/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf", "NotoSerif-Italic.ttf"),
        ("/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf", "NotoSerif-Bold.ttf"),
        ("/usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf", "NotoSerif-BoldItalic.ttf"),
        (
            "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
            "LiberationSerif-Regular.ttf",
        ),
        (
            "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
            "LiberationSerif-Bold.ttf",
        ),
    ],
}


# Fonts with a Reserved Font Name may not be modified under their old name, and a subset
# is a modification: these are copied as they are (the deck builder measures text with them).
UNMODIFIED = ("Carlito-", "LiberationSerif-")


def main() -> int:
    for set_name, fonts in FONTS.items():
        out_dir = ROOT / "templates" / set_name / "fonts"
        out_dir.mkdir(parents=True, exist_ok=True)
        for source, target in fonts:
            if target.startswith(UNMODIFIED):
                shutil.copyfile(source, out_dir / target)
                print(f"{set_name}/fonts/{target}: copied unmodified")
                continue
            options = subset.Options()
            options.layout_features = [
                "kern",
                "liga",
                "calt",
                "ccmp",
                "locl",
                "mark",
                "mkmk",
                "tnum",
                "lnum",
                "case",
            ]
            options.name_IDs = ["*"]
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.glyph_names = False
            options.hinting = False
            font = subset.load_font(source, options)
            sub = subset.Subsetter(options)
            sub.populate(unicodes=subset.parse_unicodes(UNICODES))
            sub.subset(font)
            subset.save_font(font, str(out_dir / target), options)
            print(f"{set_name}/fonts/{target}: {(out_dir / target).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
