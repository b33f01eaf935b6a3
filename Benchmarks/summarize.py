#!/usr/bin/env python3
"""Summarises the standalone output of ordo-one/benchmark suite executables (`scripts/bench.sh direct`):
one line per benchmark with wall-clock p50/p99, throughput p50 and mallocs p50 per sample."""
import sys,re
for path in sys.argv[1:]:
    name=None; metric=None; rows=[]
    out={}
    def flush():
        if name and metric and rows:
            def pct(p):
                for v,q in rows:
                    if q>=p: return v
                return rows[-1][0]
            out.setdefault(name,{})[metric]=(pct(0.5),pct(0.99))
    for line in open(path):
        m=re.match(r'Debug results for (.*):$',line.strip())
        if m:
            flush(); name=m.group(1); metric=None; rows=[]; continue
        if line.strip().endswith(':') and not line.strip()[0].isdigit() and not line.startswith('#'):
            flush(); metric=line.strip()[:-1]; rows=[]; continue
        m=re.match(r'\s*([\d.]+)\s+([\d.]+)\s+\d+',line)
        if m and metric: rows.append((float(m.group(1)),float(m.group(2))))
    flush()
    for n,ms in out.items():
        w=ms.get('Time (wall clock)',(0,0)); t=ms.get('Throughput (# / s)',(0,0)); a=ms.get('Malloc (total)',(0,0))
        print(f"{n:62s} wall p50 {w[0]:>9.0f} ns  p99 {w[1]:>9.0f} ns | throughput p50 {t[0]:>10.0f}/s | mallocs p50 {a[0]:.0f}")
