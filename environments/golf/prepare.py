"""Build golf's corpus from the fortunes that Debian's `fortunes` package ships.

Runs at image build time in the `data` stage. Every plain fortune file under
/usr/share/games/fortunes (the *.dat indexes and the *.u8 symlinks are skipped) is split on its
`%` separator lines into single fortunes. Terminal overstriking ("_\\bX") is resolved to the printed
character, other control characters except newline and tab are dropped, trailing spaces are
trimmed, and exact duplicates are removed. The fortunes are then shuffled with a fixed seed: about
100 kB of them become the hidden validation text (scorer image only) and the rest the public
training text (recipe image). Each text is the fortunes joined by a line holding a single `%`,
exactly as in the original files, encoded as UTF-8.
"""
import hashlib
import os
import random
import re
import sys

SOURCE = "/usr/share/games/fortunes"
HIDDEN_BYTES = 100_000
SPLIT_SEED = 20260502
SEPARATOR = "\n%\n"


def clean(text):
    while "\b" in text:  # overstrike: "X\bY" prints Y
        new = re.sub(r"[^\n]\x08", "", text)
        if new == text:
            text = text.replace("\b", "")
            break
        text = new
    text = "".join(c for c in text if c in "\n\t" or c >= " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def read_fortunes():
    fortunes = []
    for name in sorted(os.listdir(SOURCE)):
        path = os.path.join(SOURCE, name)
        if name.endswith((".dat", ".u8")) or os.path.islink(path) or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for chunk in re.split(r"^%$", text, flags=re.M):
            fortune = clean(chunk)
            if fortune:
                fortunes.append(fortune)
    return fortunes


def main():
    out = sys.argv[1]
    fortunes = list(dict.fromkeys(read_fortunes()))  # dedupe, keep first occurrence
    random.Random(SPLIT_SEED).shuffle(fortunes)
    hidden, size = [], 0
    while size < HIDDEN_BYTES:
        fortune = fortunes.pop()
        hidden.append(fortune)
        size += len(fortune.encode("utf-8")) + len(SEPARATOR)
    for part, items, name in (("public", fortunes, "train.txt"), ("hidden", hidden, "val.txt")):
        os.makedirs(os.path.join(out, part), exist_ok=True)
        data = (SEPARATOR.join(items) + SEPARATOR).encode("utf-8")
        with open(os.path.join(out, part, name), "wb") as f:
            f.write(data)
        print(f"{part}: {len(items)} fortunes, {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}")


if __name__ == "__main__":
    main()
