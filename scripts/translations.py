"""Keep the Chinese catalogue in step with the code.

    python scripts/translations.py update   # extract strings, merge into translations/*/messages.po
    python scripts/translations.py check    # fail when a string has no translation (used by the tests)

Compiling happens at application start (``i18n.compile_catalogs``), so no .mo
files live in git.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "translations" / "messages.pot"


def update() -> None:
    subprocess.check_call([sys.executable, "-m", "babel.messages.frontend", "extract",
                           "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "cell_text:2", "-o", str(POT),
                           "--ignore-dirs=.venv tests bench migrations instance", "."], cwd=ROOT)
    subprocess.check_call([sys.executable, "-m", "babel.messages.frontend", "update",
                           "-i", str(POT), "-d", "translations", "--no-fuzzy-matching"], cwd=ROOT)


def untranslated() -> list[str]:
    from babel.messages.pofile import read_po

    missing = []
    for po in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as fh:
            for msg in read_po(fh):
                if not msg.id:
                    continue
                strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
                if msg.fuzzy or not all(strings):
                    missing.append(f"{po.parent.parent.name}: {msg.id!r}")
    return missing


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "update"
    if cmd == "update":
        update()
        for m in untranslated():
            print("untranslated:", m)
    elif cmd == "check":
        missing = untranslated()
        print("\n".join(missing) or "all strings translated")
        sys.exit(1 if missing else 0)
