#!/usr/bin/env python3
# tests/conformance/diff386.py: differential check of the 386+ integer set
# against another implementation (a development tool, not part of the
# suite). Generates a real-mode ROM (tests/guests/rm.inc) of random ALU,
# shift/rotate, MUL/DIV, BT*, BSF/BSR, SHLD/SHRD, MOVZX/MOVSX, XADD,
# CMPXCHG, SETcc, CMOVcc and BSWAP instructions on random 8/16/32-bit
# operands and flags; after each one it prints EAX EBX ECX EDX and the
# flags the manual defines for it. Run it on Lucid and on QEMU and diff:
#
#   tests/conformance/diff386.py SEED [COUNT] > d.asm
#   nasm -f bin -I tests/guests/ -o d.bin d.asm
#   ./lucid run --cpu pentium2 --bios d.bin --debugcon stdio --speed max
#   qemu-system-i386 -cpu pentium2 -bios d.bin -display none \
#       -debugcon stdio -global isa-debugcon.iobase=0x402
import random, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
N = int(sys.argv[2]) if len(sys.argv) > 2 else 400
out = []
def r32(): 
    c = random.random()
    if c < 0.2: return random.choice([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff])
    return random.getrandbits(32)
R = {32: ['eax','ebx','ecx','edx'], 16: ['ax','bx','cx','dx'], 8: ['al','bl','cl','dl']}
def blk(code, mask, desc):
    a, b, c, d = r32(), r32(), r32(), r32()
    fl = random.getrandbits(12) & 0x8d5 | 2
    out.append(f"\t; {desc}")
    out.append(f"\tmov eax, {a:#x}\n\tmov ebx, {b:#x}\n\tmov ecx, {c:#x}\n\tmov edx, {d:#x}")
    out.append(f"\tpush dword {fl:#x}\n\tpopfd")
    out.append(code)
    out.append(f"\tpushfd\n\tpop dword [saved_fl]\n\tand dword [saved_fl], {mask:#x}\n\tcall dump")
for k in range(N):
    sz = random.choice([8, 16, 32, 32])
    r = R[sz]
    op = random.choice(['alu','alu','logic','incdec','shift','shift','rot','rc','mul','imul1','imul2','imul3','div','bt','bsx','shxd','movx','xadd','cmpxchg','setcc','cmov','neg','bswap'])
    d, s = r[0], r[1]
    if op == 'alu':
        o = random.choice(['add','adc','sub','sbb','cmp'])
        blk(f"\t{o} {d}, {s}", 0x8d5, op)
    elif op == 'neg':
        blk(f"\tneg {d}", 0x8d5, op)
    elif op == 'logic':
        o = random.choice(['and','or','xor','test'])
        blk(f"\t{o} {d}, {s}", 0x8c5, op)
    elif op == 'incdec':
        blk(f"\t{random.choice(['inc','dec'])} {d}", 0x8d5, op)
    elif op in ('shift','rot','rc'):
        o = random.choice({'shift':['shl','shr','sar'],'rot':['rol','ror'],'rc':['rcl','rcr']}[op])
        cnt = random.choice([0,1,2,3,7,8,9,15,16,17,31,32,33,random.randrange(256)])
        m = cnt & 31
        if op == 'shift':
            if m == 0: mask = 0x8d5
            elif m == 1: mask = 0x8c5
            else: mask = 0x0c5
            if sz < 32 and m >= sz: mask &= ~1 & ~0x800 
            if sz < 32 and m > sz: mask = 0
        else:
            if m == 0: mask = 0x8d5
            elif m == 1: mask = 0x801
            else: mask = 0x001
            if op == 'rot' and sz < 32 and m % sz == 0 and m: mask = 0x001
        blk(f"\tmov cl, {cnt}\n\t{o} {r[0]}, cl", mask, f"{op} {o} {cnt}")
    elif op == 'mul':
        blk(f"\tmul {s}", 0x801, op)
    elif op == 'imul1':
        blk(f"\timul {s}", 0x801, op)
    elif op == 'imul2':
        if sz == 8: sz = 32; r = R[32]
        blk(f"\timul {r[0]}, {r[1]}", 0x801, op)
    elif op == 'imul3':
        if sz == 8: sz = 32; r = R[32]
        imm = random.getrandbits(sz) if random.random() < .5 else random.randrange(-128,128)
        blk(f"\timul {r[0]}, {r[1]}, {imm}", 0x801, op)
    elif op == 'div':
        o = random.choice(['div','idiv'])
        if sz == 8:
            code = f"\tmovzx ax, al\n\tor bl, 0x81\n\t{o} bl" if o=='div' else f"\tcbw\n\tor bl, 0x41\n\t{o} bl"
        elif sz == 16:
            code = f"\txor dx, dx\n\tor bx, 0x8001\n\tdiv bx" if o=='div' else f"\tcwd\n\tor bx, 0x4001\n\tidiv bx"
        else:
            code = f"\txor edx, edx\n\tor ebx, 0x80000001\n\tdiv ebx" if o=='div' else f"\tcdq\n\tor ebx, 0x40000001\n\tidiv ebx"
        blk(code, 0, op)
    elif op == 'bt':
        if sz == 8: sz = 32; r = R[32]
        o = random.choice(['bt','bts','btr','btc'])
        if random.random() < .5:
            blk(f"\t{o} {r[0]}, {r[1]}", 0x1, op)
        else:
            blk(f"\t{o} {r[0]}, {random.randrange(256)}", 0x1, op)
    elif op == 'bsx':
        if sz == 8: sz = 32; r = R[32]
        o = random.choice(['bsf','bsr'])
        blk(f"\t{o} {r[0]}, {r[1]}", 0x40, op)
    elif op == 'shxd':
        if sz == 8: sz = 32; r = R[32]
        o = random.choice(['shld','shrd'])
        cnt = random.choice([0,1,2,5,8,15,16,31,32,33]) if sz == 32 else random.choice([0,1,2,5,8,15,16,32,33])
        m = cnt & 31
        mask = 0x8d5 if m == 0 else (0x8c5 if m == 1 else 0x0c5)
        if random.random() < .5:
            blk(f"\t{o} {r[0]}, {r[1]}, {cnt}", mask, f"{op} {cnt}")
        else:
            blk(f"\tmov cl, {cnt}\n\t{o} {r[0]}, {r[1]}, cl", mask, f"{op} cl {cnt}")
    elif op == 'movx':
        o = random.choice(['movzx','movsx'])
        src = random.choice(['bl','bh','bx'])
        blk(f"\t{o} eax, {src}\n\t{o} dx, cl", 0x8d5, op)
    elif op == 'xadd':
        blk(f"\txadd {d}, {s}", 0x8d5, op)
    elif op == 'cmpxchg':
        blk(f"\tcmpxchg {r[3]}, {s}" if random.random()<.5 else f"\tmov {r[3]}, {r[0]}\n\tcmpxchg {r[3]}, {s}", 0x8d5, op)
    elif op == 'setcc':
        cc = random.choice(['o','no','b','ae','e','ne','be','a','s','ns','p','np','l','ge','le','g'])
        blk(f"\tcmp {d}, {s}\n\tset{cc} dl\n\tset{cc} ah", 0x8d5, op)
    elif op == 'cmov':
        if sz == 8: sz = 32; r = R[32]
        cc = random.choice(['o','no','b','ae','e','ne','be','a','s','ns','p','np','l','ge','le','g'])
        blk(f"\tcmov{cc} {r[0]}, {r[1]}\n\tcmov{cc} {r[3]}, {r[2]}", 0x8d5, op)
    elif op == 'bswap':
        blk(f"\tbswap eax\n\tbswap edx", 0x8d5, op)
print("""%include "rm.inc"
tests:""")
print("\n".join(out))
print("""\tjmp finish
dump:
\tpush eax
\tcall hex32
\tmov eax, ebx
\tcall hex32
\tmov eax, ecx
\tcall hex32
\tmov eax, edx
\tcall hex32
\tmov eax, [saved_fl]
\tcall hex32
\tcall print_inline
\tdb 10, 0
\tpop eax
\tret
\tROM_END""")
