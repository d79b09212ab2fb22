#!/usr/bin/env python3
"""Fails when a module includes a module above it (design.md, "Layout").

  check_layers.py SOURCE_DIR

Reads every file under src/<module>/ and include/simorch/<module>/ and checks each
`#include "simorch/<other>/..."`, and each private `#include "<other>/..."` (a header of
src/<other>), against the layers <module> may use: the layers below it that CMake links
(src/CMakeLists.txt). A public header (include/) includes no private one: include/ is the
public API only. Prints one line per violation; exit 1 if any.
"""
import re
import sys
from pathlib import Path

# Each layer and the layers it may include (itself and below), as src/CMakeLists.txt
# links them (PUBLIC and PRIVATE).
BELOW = {
    "h5": set(),
    "model": set(),
    "integrate": {"model"},
    "control": {"model"},
    "sim": {"integrate", "control", "model"},
    "study": {"sim", "integrate", "control", "model", "h5"},
    "parallel": {"study", "sim", "integrate", "control", "model"},
    "io": {"study", "sim", "integrate", "control", "model", "h5"},
    "run": {"io", "parallel", "study", "sim", "integrate", "control", "model"},
    "mpi": {"run", "io", "parallel", "study", "sim", "integrate", "control", "model"},
    "analysis": {"io", "study", "sim", "integrate", "control", "model"},
    "tune": {"mpi", "analysis", "run", "io", "parallel", "study", "sim", "integrate", "control",
             "model", "h5"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]simorch/([a-z0-9_]+)/', re.M)
PRIVATE_INCLUDE = re.compile(r'^\s*#\s*include\s*"([a-z0-9_]+)/', re.M)


def main():
    if len(sys.argv) != 2 or sys.argv[1] == "--help":
        print(__doc__.strip())
        return 0 if len(sys.argv) == 2 else 2
    root = Path(sys.argv[1])
    problems = []
    for layer, below in BELOW.items():
        allowed = below | {layer}
        for folder in (root / "src" / layer, root / "include" / "simorch" / layer):
            for path in sorted(folder.glob("*.?pp")):
                text = path.read_text(encoding="utf-8")
                is_public = folder.parts[-2] == "simorch"
                for used in INCLUDE.findall(text):
                    if used not in allowed:
                        problems.append(f"{path.relative_to(root)}: layer '{layer}' includes "
                                        f"'simorch/{used}/', allowed: {', '.join(sorted(allowed))}")
                for used in PRIVATE_INCLUDE.findall(text):
                    if used == "simorch" or used not in BELOW:
                        continue
                    if is_public:
                        problems.append(f"{path.relative_to(root)}: public header includes "
                                        f"the private '{used}/' (move it to include/ or the "
                                        "include into a .cpp)")
                    elif used not in allowed:
                        problems.append(f"{path.relative_to(root)}: layer '{layer}' includes "
                                        f"private '{used}/', allowed: {', '.join(sorted(allowed))}")
    for line in problems:
        print(line)
    print(f"check_layers: {len(problems)} violation(s) in {len(BELOW)} layers")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
