"""Make README.md from nbs/index.ipynb without Quarto (which cannot be installed everywhere).

Markdown cells are copied, visible code cells become ```python blocks, cells marked `#| hide` are left out,
and image links relative to nbs/ are rewritten relative to the repository root.
Usage: python tools/make_readme.py [--check]   (--check: exit 1 if README.md is not up to date)
"""
import json, re, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent

def render(nb_path=root / "nbs" / "index.ipynb"):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    parts = ["<!-- Made from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->"]
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip()
        if not src: continue
        if cell["cell_type"] == "markdown":
            src = re.sub(r"(!\[[^\]]*\]\()(?!https?:|/)([^)]+\))", r"\1nbs/\2", src)
            parts.append(src)
        elif cell["cell_type"] == "code" and not re.match(r"#\|\s*(hide|export)", src):
            parts.append(f"```python\n{src}\n```")
    return "\n\n".join(parts) + "\n"

if __name__ == "__main__":
    text, readme = render(), root / "README.md"
    if "--check" in sys.argv:
        if not readme.exists() or readme.read_text(encoding="utf-8") != text:
            sys.exit("README.md is out of date with nbs/index.ipynb: run python tools/make_readme.py and commit it.")
        print("README.md is up to date.")
    else:
        readme.write_text(text, encoding="utf-8")
        print(f"wrote {readme}")
