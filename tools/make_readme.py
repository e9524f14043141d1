"""Make README.md from nbs/index.ipynb without Quarto (which cannot be installed everywhere).

Markdown cells are copied, visible code cells become ```python blocks, cells marked `#| hide` are left out,
and image links relative to nbs/ are rewritten relative to the repository root.
Usage: python tools/make_readme.py [--check] [--picture]
  --check    exit 1 if README.md is not up to date, or if the Colab notebook names another repository than settings.ini's git_url
  --picture  also redraw nbs/images/overlapping_pair.png (a synthetic pair, made by the package itself)
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

def draw_picture(path=root / "nbs" / "images" / "overlapping_pair.png", seed=3):
    "A synthetic overlapping pair and its label map, in the package's four colours."
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from segnet_chromosome.synthetic import synthetic_pairs
    from segnet_chromosome.visualize import LABEL_CMAP, LABEL_NORM, legend_handles
    images, labels, _ = synthetic_pairs(1, seed=seed)
    rows, cols = labels[0].any(1).nonzero()[0], labels[0].any(0).nonzero()[0]
    window = (slice(max(rows[0] - 6, 0), rows[-1] + 7), slice(max(cols[0] - 6, 0), cols[-1] + 7))  # zoom on the pair
    images, labels = images[:, window[0], window[1]], labels[:, window[0], window[1]]
    fig, axs = plt.subplots(1, 2, figsize=(5.2, 2.6))
    axs[0].imshow(images[0], cmap="gray", vmin=0, vmax=255); axs[0].set_title("image", fontsize=9)
    axs[1].imshow(labels[0], cmap=LABEL_CMAP, norm=LABEL_NORM, interpolation="nearest")  # the package's palette
    axs[1].set_title("labels", fontsize=9)
    for ax in axs: ax.axis("off")
    fig.legend(handles=legend_handles(), loc="lower center", ncol=4, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    print(f"wrote {path}")

def colab_url_problems(nb_path=root / "nbs" / "train_on_colab.ipynb"):
    "The repository URL is kept in one place, settings.ini's git_url: the Colab notebook's badge and install line must use it."
    from configparser import ConfigParser
    cfg = ConfigParser(delimiters=["="]); cfg.read(root / "settings.ini", encoding="utf-8")
    url = cfg["DEFAULT"]["git_url"].rstrip("/")
    text = nb_path.read_text(encoding="utf-8")
    badge = url.replace("https://github.com/", "https://colab.research.google.com/github/") + "/blob/main/nbs/" + nb_path.name
    return [f"{nb_path.name} does not contain {want!r} (settings.ini git_url)" for want in (badge, f"git+{url}") if want not in text]

if __name__ == "__main__":
    if "--picture" in sys.argv: draw_picture()
    text, readme = render(), root / "README.md"
    if "--check" in sys.argv:
        if colab_url_problems(): sys.exit("\n".join(colab_url_problems()))
        if not readme.exists() or readme.read_text(encoding="utf-8") != text:
            sys.exit("README.md is out of date with nbs/index.ipynb: run python tools/make_readme.py and commit it.")
        print("README.md is up to date.")
    else:
        readme.write_text(text, encoding="utf-8")
        print(f"wrote {readme}")
