"""Folds profiles into stacks and draws flame graphs (no dependencies beyond Python 3).

    python3 profile_tools.py perf PERF_SCRIPT_TXT > out.folded     # from `perf script`
    python3 profile_tools.py jfr JFR_JSON [THREAD] > out.folded    # from `jfr print --json`
    python3 profile_tools.py svg FOLDED "title" > out.svg          # a flame graph
    python3 profile_tools.py top FOLDED [N]                        # self time by frame, and by library

A folded line is `frame;frame;...;leaf COUNT` (root first), the format of Brendan Gregg's
FlameGraph tools, so their flamegraph.pl reads these files too.
"""
import collections
import html
import json
import re
import sys


def fold_perf(path):
    counts = collections.Counter()
    stack = []
    comm = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if comm is not None:
                    counts[";".join([comm] + list(reversed(stack)))] += 1
                stack, comm = [], None
                continue
            if not line.startswith((" ", "\t")):
                comm = line.split()[0]
                continue
            parts = line.strip().split(" ", 1)
            if len(parts) < 2:
                continue
            sym = parts[1]
            sym = re.sub(r"\+0x[0-9a-f]+", "", sym)
            lib = ""
            m = re.search(r"\(([^)]*)\)$", sym)
            if m:
                lib = m.group(1).rsplit("/", 1)[-1]
                sym = sym[: m.start()].strip()
            if sym == "[unknown]" and lib:
                sym = "[" + lib + "]"
            # shorten C++ templates and Java signatures
            sym = re.sub(r"<[^<>]*(<[^<>]*>[^<>]*)*>", "<>", sym)
            sym = re.sub(r"\(.*\)", "", sym)
            stack.append(f"{sym} [{lib}]" if lib and not sym.startswith("[") else sym)
    if comm is not None:
        counts[";".join([comm] + list(reversed(stack)))] += 1
    return counts


def fold_jfr(path, thread="main"):
    counts = collections.Counter()
    events = json.load(open(path))["recording"]["events"]
    for e in events:
        v = e["values"]
        t = (v.get("sampledThread") or {}).get("javaName")
        if thread and t != thread:
            continue
        frames = (v.get("stackTrace") or {}).get("frames") or []
        names = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"] for f in frames]
        kind = "native" if e["type"] == "jdk.NativeMethodSample" else "java"
        counts[";".join([kind] + list(reversed(names)))] += 1
    return counts


def read_folded(path):
    counts = collections.Counter()
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip().rpartition(" ")
            if stack:
                counts[stack] += int(n)
    return counts


def top(counts, n=30):
    total = sum(counts.values()) or 1
    leaf = collections.Counter()
    lib = collections.Counter()
    for stack, c in counts.items():
        f = stack.split(";")[-1]
        leaf[f] += c
        m = re.search(r"\[([^\]]+)\]$", f)
        lib[m.group(1) if m else "java/jit"] += c
    print(f"{total} samples")
    print("self time by library:")
    for k, c in lib.most_common(12):
        print(f"  {100 * c / total:5.1f}%  {k}")
    print("self time by frame:")
    for k, c in leaf.most_common(n):
        print(f"  {100 * c / total:5.1f}%  {k[:150]}")


def svg(counts, title):
    root = {"n": 0, "kids": {}}
    for stack, c in counts.items():
        node = root
        node["n"] += c
        for f in stack.split(";"):
            node = node["kids"].setdefault(f, {"n": 0, "kids": {}})
            node["n"] += c
    width, row = 1200, 16
    rects = []
    depth_max = [0]

    def walk(node, x, depth):
        depth_max[0] = max(depth_max[0], depth)
        for name, kid in sorted(node["kids"].items()):
            w = kid["n"] / root["n"] * width
            if w >= 0.3:
                rects.append((x, depth, w, name, kid["n"]))
                walk(kid, x, depth + 1)
            x += w

    walk(root, 0.0, 0)
    height = (depth_max[0] + 3) * row
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace"'
           f' font-size="11">', f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="4" y="13" font-size="13">{html.escape(title)} ({root["n"]} samples; hover for names)</text>']
    for x, d, w, name, n in rects:
        y = height - (d + 1) * row
        h = abs(hash(name)) % 60
        color = f"rgb({200 + h % 55},{90 + h},{50})"
        label = html.escape(name)
        pct = 100.0 * n / root["n"]
        out.append(f'<g><title>{label} ({n} samples, {pct:.1f}%)</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}"'
                   f' height="{row - 1}" fill="{color}"/>')
        if w > 40:
            chars = int(w / 6.5)
            out.append(f'<text x="{x + 2:.1f}" y="{y + 11}">{html.escape(name[:chars])}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def emit(counts):
    for stack, c in counts.most_common():
        print(f"{stack} {c}")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "perf":
        emit(fold_perf(sys.argv[2]))
    elif cmd == "jfr":
        emit(fold_jfr(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "main"))
    elif cmd == "svg":
        print(svg(read_folded(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "flame graph"))
    elif cmd == "top":
        top(read_folded(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 30)
    else:
        sys.exit(__doc__)
