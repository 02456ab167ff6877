#!/usr/bin/env python3
"""tests/integration/trace-edit.py IN.lrt OUT.lrt: change the first recorded
COM1 input byte (XOR 0x02: 'h' becomes 'j') and write a well-formed trace
(header kept, record stream recompressed), as if the input had been edited.
A replay of OUT must report a divergence, not fail to read the file."""
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
(hlen,) = struct.unpack_from("<I", data, 12)
head = 16 + hlen + 4
recs = bytearray(zlib.decompress(data[head:]))
off = 0
while off < len(recs):
    rtype, rlen, _ = struct.unpack_from("<BIQ", recs, off)
    if rtype == 1:  # serial input: u8 port, bytes
        recs[off + 13 + 1] ^= 0x02
        break
    off += 13 + rlen
else:
    sys.exit("trace-edit: no serial input in " + sys.argv[1])
open(sys.argv[2], "wb").write(data[:head] + zlib.compress(bytes(recs)))
