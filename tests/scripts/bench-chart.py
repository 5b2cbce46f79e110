#!/usr/bin/env python3
"""Draws throughput and p99 over time of the soak runs (tests/scripts/bench.sh --soak) as one SVG per scenario.

usage: tests/scripts/bench-chart.py [docs/bench/soak-orders.jsonl ...]   (default: docs/bench/soak-*.jsonl)
Writes docs/bench/soak-<scenario>.svg next to each timeline. Standard library only.
"""
import glob
import json
import os
import sys

W, H, LEFT, RIGHT, TOP, BOTTOM = 720, 300, 60, 60, 30, 40


def polyline(points, colour):
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'


def chart(path):
    lines = [json.loads(l) for l in open(path) if l.strip()]
    if not lines:
        raise SystemExit(f"{path}: no timeline lines")
    scenario = lines[0].get("scenario", os.path.basename(path))
    end = max(l["t_s"] for l in lines)
    top_rps = max(l["throughput_rps"] for l in lines) * 1.15 or 1
    top_p99 = max(l["p99_ms"] for l in lines) * 1.15 or 1
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    x = lambda t: LEFT + plot_w * t / end
    y_rps = lambda v: TOP + plot_h * (1 - v / top_rps)
    y_p99 = lambda v: TOP + plot_h * (1 - v / top_p99)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{W / 2}" y="16" text-anchor="middle" font-size="13">{scenario}: throughput (blue, left) and p99 (orange, right) per 10 s</text>',
           f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="black"/>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="black"/>',
           f'<line x1="{LEFT + plot_w}" y1="{TOP}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="black"/>']
    for i in range(5):
        frac = i / 4
        yy = TOP + plot_h * (1 - frac)
        out.append(f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{LEFT + plot_w}" y2="{yy:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end" fill="#1f77b4">{top_rps * frac:.0f}/s</text>')
        out.append(f'<text x="{LEFT + plot_w + 6}" y="{yy + 4:.1f}" fill="#ff7f0e">{top_p99 * frac:.0f} ms</text>')
    for minute in range(0, int(end // 60) + 1):
        xx = x(minute * 60)
        out.append(f'<text x="{xx:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{minute} min</text>')
    out.append(polyline([(x(l["t_s"]), y_rps(l["throughput_rps"])) for l in lines], "#1f77b4"))
    out.append(polyline([(x(l["t_s"]), y_p99(l["p99_ms"])) for l in lines], "#ff7f0e"))
    out.append("</svg>")
    target = os.path.splitext(path)[0] + ".svg"
    with open(target, "w") as f:
        f.write("\n".join(out) + "\n")
    print(target)


if __name__ == "__main__":
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "bench", "soak-*.jsonl")))
    if not paths:
        raise SystemExit("no timelines: run tests/scripts/bench.sh --soak 600 first")
    for p in paths:
        chart(p)
