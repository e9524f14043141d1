"""Split exported notebook cells so that each holds one public definition (with the private helpers and constants it needs
just before it), as nbdev's own notebooks do. The exported code is the same, cell for cell joined; run nbdev_export after.

    python tools/split_cells.py nbs/NAME.ipynb ...
"""
import ast, json, sys

def pieces(source):
    "The source of an `#| export` cell cut before each public top-level def or class after the first (helpers go with the next one)."
    body = source.split("\n", 1)[1] if source.startswith("#| export\n") else source
    lines = body.split("\n")
    tree = ast.parse(body)
    starts, seen_public = [], False
    for k, node in enumerate(tree.body):
        public = isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and not node.name.startswith("_")
        if public and seen_public:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            # helpers and constants between the previous public definition and this one travel with this one
            j = k
            while j > 0 and not (isinstance(tree.body[j - 1], (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                                 and not tree.body[j - 1].name.startswith("_")):
                j -= 1
                prev = tree.body[j]
                first = min([prev.lineno] + [d.lineno for d in getattr(prev, "decorator_list", [])])
            while first > 1 and lines[first - 2].lstrip().startswith("#"): first -= 1  # a comment above goes along
            starts.append(first - 1)
        seen_public = seen_public or public
    cuts = [0] + sorted(set(starts)) + [len(lines)]
    return ["#| export\n" + "\n".join(lines[a:b]).strip("\n") for a, b in zip(cuts, cuts[1:]) if "\n".join(lines[a:b]).strip()]

for path in sys.argv[1:]:
    nb = json.load(open(path))
    out, n_split = [], 0
    for cell in nb["cells"]:
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] == "code" and src.startswith("#| export\n") and "import " not in src.split("\n")[1][:7]:
            try: parts = pieces(src)
            except SyntaxError: parts = [src]
            if len(parts) > 1:
                n_split += len(parts) - 1
                out += [{**cell, "source": p, "outputs": [], "execution_count": None} for p in parts]
                continue
        out.append(cell)
    nb["cells"] = out
    json.dump(nb, open(path, "w"), indent=1, ensure_ascii=False); open(path, "a").write("\n")
    print(f"{path}: {n_split} new cells")
