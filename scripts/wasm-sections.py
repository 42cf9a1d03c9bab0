#!/usr/bin/env python3
"""Sizes of a WebAssembly file's sections, raw and Brotli-compressed alone.

    python3 scripts/wasm-sections.py target/site/pkg/medplat.*.wasm

Shows how much of a bundle is code and how much data (string constants,
tables). Brotli comes from Node's zlib (quality 11, as the build's .br files).
"""
import subprocess
import sys

NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
         6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
         12: "data count"}
BROTLI = ('const z=require("zlib");const c=[];process.stdin.on("data",d=>c.push(d))'
          '.on("end",()=>process.stdout.write(String(z.brotliCompressSync(Buffer.concat(c),'
          '{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length)))')


def brotli(data: bytes) -> int:
    out = subprocess.run(["node", "-e", BROTLI], input=data, capture_output=True, check=True)
    return int(out.stdout)


def leb128(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def main() -> None:
    for path in [p for p in sys.argv[1:] if p.endswith(".wasm")]:
        data = open(path, "rb").read()
        if data[:4] != b"\0asm":
            sys.exit(f"{path}: not a WebAssembly file")
        print(f"{path}: {len(data):,} bytes, {brotli(data):,} Brotli")
        at = 8
        while at < len(data):
            section = data[at]
            size, at = leb128(data, at + 1)
            body = data[at:at + size]
            name = NAMES.get(section, str(section))
            if section == 0:
                length, start = leb128(body, 0)
                name = "custom " + body[start:start + length].decode(errors="replace")
            print(f"  {name:28} {size:>10,} bytes {brotli(body):>9,} Brotli")
            at += size


if __name__ == "__main__":
    main()
